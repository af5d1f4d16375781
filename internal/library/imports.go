package library

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/ssgk/ssgk/internal/clock"
	"io"
	"iter"
	"slices"
	"time"

	"entgo.io/ent/dialect"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/department"
	"github.com/ssgk/ssgk/ent/importjob"
	"github.com/ssgk/ssgk/ent/inspectionitem"
	"github.com/ssgk/ssgk/ent/inspectionmethod"
	"github.com/ssgk/ssgk/ent/inspector"
	"github.com/ssgk/ssgk/ent/itemlist"
	"github.com/ssgk/ssgk/ent/target"
	"github.com/ssgk/ssgk/ent/targetlibrary"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/audit"
	"github.com/ssgk/ssgk/internal/authz"
	"github.com/ssgk/ssgk/internal/bulk"
	"github.com/ssgk/ssgk/internal/codes/division"
	"github.com/ssgk/ssgk/internal/importer"
	"github.com/ssgk/ssgk/internal/settings"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/uscc"
	"github.com/ssgk/ssgk/internal/viewer"
)

// ImportOptions say what to import where.
type ImportOptions struct {
	Kind         importer.Kind
	DepartmentID int
	// LibraryID is the sub-library imported targets join; 0 means the department's library
	// with code MAIN, else its first library.
	LibraryID int
	// Partial imports the valid rows of a file with rejected rows; by default such a file
	// changes nothing (all or nothing).
	Partial  bool
	FileName string
	// Progress, if set, is called with the number of rows read so far, in each pass.
	Progress func(pass string, rows int)
	// Reader tunes file reading (clock, local ratio cap…).
	Reader importer.Options
}

// ImportResult is the outcome of Import.
type ImportResult struct {
	Job    *ent.ImportJob
	Report *importer.Report
}

// batchSize is the number of rows written per step of the write loop: one lookup of existing
// rows, then the inserts (COPY or prepared multi-row statements) and the audit events of the
// batch. Batches are read ahead by a second goroutine, at most readAhead of them.
const (
	batchSize = 5000
	readAhead = 2
)

// errRejected rolls back an all-or-nothing import whose file has a rejected row.
var errRejected = errors.New("library: file has rejected rows")

// Import reads a spreadsheet once, validating every row and writing the valid rows in batches
// inside one transaction; when a row is rejected and the import is not Partial, writing stops,
// the rest of the file is still read for the error report, and the transaction is rolled back
// (all or nothing). Inside a transaction the caller already holds (a GraphQL request), which
// cannot be rolled back in part, the file is validated in a first pass instead and written in
// a second. Targets are matched by USCC (else object code, else registration number),
// inspectors by certificate number, items by code within the department's draft list version:
// an unchanged row is left alone (a re-import is idempotent), a changed one is updated and its
// history recorded.
func Import(ctx context.Context, client *ent.Client, open func() (io.ReadCloser, error), opt ImportOptions) (*ImportResult, error) {
	ctx, err := authz.Require(ctx, authz.Import, opt.DepartmentID)
	if err != nil {
		return nil, err
	}
	dep, err := client.Department.Get(ctx, opt.DepartmentID)
	if err != nil {
		return nil, err
	}
	ctx = withImportDepartment(ctx, dep)
	if err := readerCodeTables(ctx, client, dep, &opt); err != nil {
		return nil, err
	}
	res := &ImportResult{}
	var sum string
	newJob := func(tx *ent.Tx, out importer.Outcome) (*ent.ImportJobCreate, error) {
		rep := res.Report
		rep.Outcome = &out
		var report []byte
		if worthReporting(rep) {
			var buf bytes.Buffer
			if err := importer.WriteReportXLSX(&buf, rep); err != nil {
				return nil, err
			}
			report = buf.Bytes()
		}
		return tx.ImportJob.Create().SetKind(importjob.Kind(kindName(opt.Kind))).SetFileName(opt.FileName).
			SetFileSha256(sum).SetEncoding(rep.Encoding).SetPartial(opt.Partial).SetStatus(importjob.Status(out.Status)).
			SetRowsTotal(rep.Rows).SetRowsRejected(rep.Rejected).SetRowsSkipped(rep.Blank + rep.Footer).
			SetCreated(out.Created).SetUpdated(out.Updated).SetUnchanged(out.Unchanged).SetAddedToLibrary(out.AddedToLibrary).
			SetSummary(rep.Summary()).SetReport(report).
			SetDepartmentID(dep.ID).SetDivisionCode(dep.DivisionCode), nil
	}
	rejected := func() (*ImportResult, error) {
		// All or nothing: record the rejected attempt and its report, write no data.
		err := txn.Run(ctx, client, func(tx *ent.Tx) error {
			c, err := newJob(tx, importer.Outcome{Status: importer.StatusRejected})
			if err != nil {
				return err
			}
			res.Job, err = c.Save(ctx)
			return err
		})
		return res, err
	}
	joined := ent.TxFromContext(ctx) != nil
	// On SQLite, where the one writer is every mutation's bottleneck, the file is validated
	// before the write transaction takes the writer, as inside a
	// transaction the caller holds: a rejected file never takes it, and a valid one holds it
	// only for the write pass.
	validateFirst := joined || client.Dialect() == dialect.SQLite
	if validateFirst {
		// Pass 1: validate only.
		if res.Report, sum, err = scan(ctx, open, opt, "校验", nil); err != nil {
			return nil, err
		}
		if err := noDataRows(res.Report); err != nil {
			return nil, err
		}
		if !res.Report.OK() && !opt.Partial {
			return rejected()
		}
	}

	// Write, in one transaction, auditing creates in bulk. On SQLite the transaction queues for
	// the writer behind interactive ones (txn.WithBulk): a mutation waits for at most the write
	// pass of the one import in progress (docs/operations.md, "SQLite: one writer").
	actx := audit.WithBatch(txn.WithBulk(ctx))
	err = txn.Run(actx, client, func(tx *ent.Tx) error {
		w := &writer{tx: tx, dep: dep, opt: opt}
		defer w.close()
		if err := w.prepare(actx); err != nil {
			return err
		}
		checked := res.Report
		rep, fileSum, err := scan(actx, open, opt, "写入", w)
		if err != nil {
			return err
		}
		if validateFirst && (rep.Rejected != checked.Rejected || fileSum != sum) {
			return apperr.New(apperr.Conflict, "文件在导入过程中被修改，请重新导入")
		}
		res.Report, sum = rep, fileSum
		if err := noDataRows(rep); err != nil {
			return err
		}
		if !rep.OK() && !opt.Partial {
			return errRejected
		}
		if err := w.finish(actx); err != nil {
			return err
		}
		status := importer.StatusSucceeded
		if rep.Rejected > 0 {
			status = importer.StatusPartial
		}
		c, err := newJob(tx, importer.Outcome{Status: status, Created: w.created, Updated: w.updated, Unchanged: w.unchanged,
			AddedToLibrary: w.addedExisting, NotOwned: w.notOwned})
		if err != nil {
			return err
		}
		res.Job, err = c.SetNillableLibraryID(nilIfZero(w.libraryID)).Save(actx)
		return err
	})
	if errors.Is(err, errRejected) {
		return rejected()
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

// CodeNoData is the error code of a file with a header and no data row.
const CodeNoData = "IMPORT_NO_DATA"

// noDataRows refuses a file with a header and nothing under it but blank, totals or notes
// rows: there is nothing to import, and no outcome to report as a success.
func noDataRows(rep *importer.Report) error {
	if rep.Rows > 0 {
		return nil
	}
	msg := fmt.Sprintf("文件第 %d 行是表头，表头以下没有数据行，未导入任何数据", rep.HeaderLine)
	if n := rep.Blank + rep.Footer; n > 0 {
		msg += fmt.Sprintf("（跳过 %d 行：空行 %d 行，合计或说明行 %d 行）", n, rep.Blank, rep.Footer)
	}
	return apperr.New(CodeNoData, "%s", msg)
}

// worthReporting: a downloadable report is kept when there is more to say than the summary —
// rejected rows, warnings, skipped rows or columns not imported.
func worthReporting(rep *importer.Report) bool {
	return !rep.OK() || len(rep.Warnings) > 0 || rep.Blank+rep.Footer > 0 || len(rep.IgnoredColumns()) > 0
}

// withImportDepartment makes the audit trail of an import carry the importing department when
// the caller is an operator command, which belongs to no department.
func withImportDepartment(ctx context.Context, dep *ent.Department) context.Context {
	v := viewer.FromContext(ctx)
	if v.Kind != viewer.System || v.DepartmentCode != "" {
		return ctx
	}
	cp := *v
	cp.DepartmentCode = dep.Code
	return viewer.NewContext(ctx, &cp)
}

// ImportDivisionsKey is the setting that adds named divisions (a list of {"code", "name"}:
// townships of other counties) to the built-in table of internal/codes/division.
const ImportDivisionsKey = "import.divisions"

// readerCodeTables gives the reader the code tables it reads names through: the departments
// and the named divisions. An inspectors' register may name each row's department: the
// joint-meeting office (its department, by an operator or the office role) imports every row
// into its department; another department only its own rows.
func readerCodeTables(ctx context.Context, client *ent.Client, dep *ent.Department, opt *ImportOptions) error {
	v := viewer.FromContext(ctx)
	// The code tables are the hub's, whoever imports: read them past any row policy.
	sys := viewer.NewContext(ctx, viewer.NewSystem("import code tables"))
	deps, err := client.Department.Query().Order(ent.Asc(department.FieldSortOrder), ent.Asc(department.FieldID)).All(sys)
	if err != nil {
		return err
	}
	opt.Reader.Departments = make([]importer.Department, len(deps))
	for i, d := range deps {
		opt.Reader.Departments[i] = importer.Department{Code: d.Code, Name: d.Name, ShortName: d.ShortName}
	}
	opt.Reader.Department = dep.Code
	opt.Reader.AllDepartments = dep.IsOffice && (v.Kind == viewer.System || v.HasRole(viewer.RoleOffice))
	var extra []division.Entry
	if err := settings.Get(sys, client, ImportDivisionsKey, &extra); err != nil {
		return err
	}
	opt.Reader.Divisions = append(opt.Reader.Divisions, extra...)
	return nil
}

// batch is a slice of valid rows and the number of rows read up to its end.
type batch struct {
	rows []importer.Row
	read int
}

// scan reads the file once: it hashes it, validates every row into the report and, when w is
// not nil, hands the valid rows to w in batches — until a row is rejected, unless the import is
// Partial. Reading and parsing run on their own goroutine, a few batches ahead of the writer.
func scan(ctx context.Context, open func() (io.ReadCloser, error), opt ImportOptions, pass string, w *writer) (*importer.Report, string, error) {
	f, err := open()
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	h := sha256.New()
	rd, err := importer.OpenWithOptions(io.TeeReader(f, h), opt.Kind, opt.Reader)
	if err != nil {
		var he *importer.HeaderError
		if errors.As(err, &he) {
			return nil, "", apperr.Wrap(err, apperr.Invalid, "%s", he.Message)
		}
		return nil, "", err
	}
	rep := importer.NewReport(rd)
	if w != nil {
		w.present = map[string]bool{}
		for f := range rd.Mapping() {
			w.present[f] = true
		}
	}
	batches := make(chan batch, readAhead)
	stop := make(chan struct{})
	var readErr error
	go func() {
		defer close(batches)
		defer rd.Close()
		send := func(b batch) bool {
			select {
			case batches <- b:
				return true
			case <-stop:
				return false
			}
		}
		writing := w != nil
		var rows []importer.Row
		for {
			row, err := rd.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				var coded apperr.Coded
				if errors.As(err, &coded) {
					readErr = err // a file past the import limits: its own code
				} else {
					readErr = apperr.Wrap(err, apperr.Invalid, "读取文件失败：%v", err)
				}
				return
			}
			rep.Add(row)
			if !row.OK() && !opt.Partial {
				writing, rows = false, nil // all or nothing: stop writing, keep reading for the report
			}
			if writing && row.OK() {
				rows = append(rows, row)
				if len(rows) == batchSize {
					if !send(batch{rows: rows, read: rep.Rows}) {
						return
					}
					rows = make([]importer.Row, 0, batchSize)
				}
			} else if rep.Rows%10000 == 0 && !send(batch{read: rep.Rows}) {
				return
			}
		}
		if !send(batch{rows: rows, read: rep.Rows}) {
			return
		}
		_, _ = io.Copy(h, f) // hash what the reader did not need
	}()
	var werr error
	for b := range batches {
		if werr != nil {
			continue
		}
		if len(b.rows) > 0 {
			werr = w.write(ctx, b.rows)
			if werr != nil {
				close(stop) // the reader stops; drain what it already sent
				continue
			}
		}
		if opt.Progress != nil {
			opt.Progress(pass, b.read)
		}
	}
	if werr != nil {
		return nil, "", werr
	}
	if readErr != nil {
		return nil, "", readErr
	}
	return rep, hex.EncodeToString(h.Sum(nil)), nil
}

func nilIfZero(id int) *int {
	if id == 0 {
		return nil
	}
	return &id
}

func kindName(k importer.Kind) string {
	switch k {
	case importer.KindTargets:
		return "TARGETS"
	case importer.KindInspectors:
		return "INSPECTORS"
	}
	return "ITEMS"
}

type writer struct {
	tx        *ent.Tx
	dep       *ent.Department
	opt       ImportOptions
	libraryID int
	listID    int
	methodID  map[string]int

	// digest computes the audit digests of inserted targets (nil: read the rows back).
	digest        *targetRowDigest
	checkedCreate bool
	membersAdded  int
	addedExisting int                        // targets stored before the import that joined the sub-library
	notOwned      int                        // of them, changed in the file but held by other departments only
	present       map[string]bool            // the fields the file has a column for
	depts         map[string]*ent.Department // by code: the departments an inspectors' register may name

	// Large imports (see largeImportRows): rows processed so far, targets stored before the
	// import (once counted), the key map of stored targets, what was dropped until commit, and
	// the garbage collector's setting to restore.
	processed int
	counted   bool
	before    int
	filter    *keyFilter
	noFilter  bool
	deferDone bool
	deferred  []schemaObject
	stats     [][]any // SQLite: sqlite_stat1 rows of the dropped indexes
	restoreGC func()

	created, updated, unchanged int
}

func (w *writer) prepare(ctx context.Context) error {
	switch w.opt.Kind {
	case importer.KindTargets:
		id := w.opt.LibraryID
		if id == 0 {
			libs, err := w.tx.TargetLibrary.Query().Where(targetlibrary.DepartmentID(w.dep.ID)).Order(ent.Asc(targetlibrary.FieldID)).All(ctx)
			if err != nil {
				return err
			}
			if len(libs) == 0 {
				return apperr.New(apperr.NotFound, "部门“%s”还没有检查对象名录分库，请先新建分库", w.dep.Name)
			}
			id = libs[0].ID
			for _, l := range libs {
				if l.Code == "MAIN" {
					id = l.ID
				}
			}
		}
		lib, err := w.tx.TargetLibrary.Get(ctx, id)
		if err != nil {
			return err
		}
		if lib.DepartmentID != w.dep.ID {
			return apperr.New(apperr.Forbidden, "分库“%s”不属于部门“%s”", lib.Name, w.dep.Name)
		}
		w.libraryID = id
		if w.digest, err = newTargetRowDigest(ctx, w.tx); err != nil {
			return err
		}
	case importer.KindInspectors:
		deps, err := w.tx.Department.Query().All(ctx)
		if err != nil {
			return err
		}
		w.depts = map[string]*ent.Department{}
		for _, d := range deps {
			w.depts[d.Code] = d
		}
	case importer.KindItems:
		v, err := w.tx.ItemList.Query().Where(itemlist.DepartmentID(w.dep.ID),
			itemlist.StatusIn(itemlist.StatusDRAFT, itemlist.StatusRETURNED)).Only(ctx)
		if ent.IsNotFound(err) {
			return apperr.New(itemlistNotDraft, "部门“%s”没有可修改的清单草稿：请先新建清单版本，再导入事项", w.dep.Name)
		} else if err != nil {
			return err
		}
		w.listID = v.ID
		ms, err := w.tx.InspectionMethod.Query().Where(inspectionmethod.Active(true)).All(ctx)
		if err != nil {
			return err
		}
		w.methodID = map[string]int{}
		for _, m := range ms {
			w.methodID[m.Code] = m.ID
		}
	}
	return nil
}

const itemlistNotDraft = "LIST_NOT_EDITABLE"

func (w *writer) write(ctx context.Context, rows []importer.Row) error {
	if len(rows) == 0 {
		return nil
	}
	var err error
	switch w.opt.Kind {
	case importer.KindTargets:
		err = w.writeTargets(ctx, rows)
	case importer.KindInspectors:
		err = w.writeInspectors(ctx, rows)
	default:
		err = w.writeItems(ctx, rows)
	}
	if err != nil {
		return err
	}
	return audit.Flush(ctx, w.tx)
}

func (w *writer) writeTargets(ctx context.Context, rows []importer.Row) error {
	if err := w.large(ctx); err != nil {
		return err
	}
	w.processed += len(rows)
	var usccs, codes, regNos []string
	for _, r := range rows {
		switch t := r.Target; {
		case t.USCC != nil:
			usccs = append(usccs, *t.USCC)
		case t.ObjectCode != nil:
			codes = append(codes, *t.ObjectCode)
		case t.RegNo != nil:
			regNos = append(regNos, *t.RegNo)
		}
	}
	var existing []*ent.Target
	var err error
	if w.filter != nil {
		existing, err = w.existingByFilter(ctx, usccs, codes, regNos)
	} else {
		existing, err = w.existingTargets(ctx, usccs, codes, regNos)
	}
	if err != nil {
		return err
	}
	byKey := map[string]*ent.Target{}
	existingIDs := make([]int, 0, len(existing))
	for _, t := range existing {
		byKey[TargetKey(t)] = t
		existingIDs = append(existingIDs, t.ID)
	}
	held, err := w.held(ctx, existingIDs)
	if err != nil {
		return err
	}
	var creates []*importer.TargetRecord
	ids := make([]int, 0, len(rows))
	for _, r := range rows {
		rec := r.Target
		key := TargetKey(&ent.Target{Uscc: rec.USCC, ObjectCode: rec.ObjectCode, RegNo: rec.RegNo})
		division := rec.DivisionCode
		if division == "" {
			division = w.dep.DivisionCode
		}
		if old, ok := byKey[key]; ok {
			ids = append(ids, old.ID)
			cur := TargetRecordOf(old)
			rec := keepAbsentTarget(rec, cur, w.present)
			if cur.Digest() == rec.Digest() {
				w.unchanged++
				continue
			}
			if !held[old.ID] {
				// Only the departments holding a target change it (authz, docs/authorisation.md):
				// it joins this department's sub-library with the values its holders recorded.
				w.notOwned++
				continue
			}
			u := w.tx.Target.UpdateOneID(old.ID).SetKind(target.Kind(rec.Kind)).SetName(rec.Name).
				SetNillableRegNo(rec.RegNo).SetLegalRepresentative(rec.LegalRepresentative).
				SetAddress(rec.Address).SetDivisionCode(rec.DivisionCode).SetIndustryCode(rec.IndustryCode).
				SetNillableRegisteredOn(rec.RegisteredOn).SetStatus(target.Status(rec.Status)).
				SetCreditRiskClass(target.CreditRiskClass(rec.CreditRiskClass)).SetAbnormalList(rec.AbnormalList).
				SetLicences(nonNil(rec.Licences)).SetTags(nonNil(rec.Tags))
			if old.ContactDepartmentID == nil || *old.ContactDepartmentID == w.dep.ID {
				// The contact details are their recorder's (authz): recorded, or changed, only by it.
				u.SetContactPerson(rec.ContactPerson).SetContactPhone(rec.ContactPhone).SetLegalRepPhone(rec.LegalRepPhone)
				if old.ContactDepartmentID == nil && (rec.ContactPerson != "" || rec.ContactPhone != "" || rec.LegalRepPhone != "") {
					u.SetContactDepartmentID(w.dep.ID)
				}
			}
			if rec.RegisteredOn == nil {
				u.ClearRegisteredOn()
			}
			if err := u.Exec(ctx); err != nil {
				return err
			}
			w.updated++
			continue
		}
		rec.DivisionCode = division
		creates = append(creates, rec)
	}
	if len(creates) > 0 {
		created, err := w.createTargets(ctx, creates)
		if err != nil {
			return err
		}
		w.created += len(created)
	}
	// Existing targets join the sub-library unless they are in it (a target may be in several
	// departments' sub-libraries); new ones have joined it in createTargets.
	member, err := w.existingMembers(ctx, ids)
	if err != nil {
		return err
	}
	var add []int
	for _, id := range ids {
		if !member[id] {
			add = append(add, id)
			member[id] = true
		}
	}
	w.addedExisting += len(add)
	return w.addMembers(ctx, add)
}

// close releases what the writer holds beyond the transaction.
func (w *writer) held(ctx context.Context, ids []int) (map[int]bool, error) {
	out := make(map[int]bool, len(ids))
	for chunk := range slices.Chunk(ids, 1000) {
		got, err := w.tx.Target.Query().Where(target.IDIn(chunk...), target.HasLibrariesWith(targetlibrary.DepartmentID(w.dep.ID))).IDs(ctx)
		if err != nil {
			return nil, err
		}
		for _, id := range got {
			out[id] = true
		}
	}
	return out, nil
}

func (w *writer) close() {
	if w.restoreGC != nil {
		w.restoreGC()
	}
}

// finish ends the write pass.
func (w *writer) finish(ctx context.Context) error {
	if err := w.restoreSchema(ctx); err != nil {
		return err
	}
	if err := w.finishMembers(ctx); err != nil {
		return err
	}
	return audit.Flush(ctx, w.tx)
}

// targetColumns are the columns a bulk insert of targets writes.
var targetColumns = []bulk.Column{
	{Name: target.FieldCreatedAt, PGType: "timestamptz"}, {Name: target.FieldUpdatedAt, PGType: "timestamptz"}, {Name: target.FieldDivisionCode, PGType: "text"},
	{Name: target.FieldKind, PGType: "text"}, {Name: target.FieldUscc, PGType: "text"}, {Name: target.FieldRegNo, PGType: "text"}, {Name: target.FieldObjectCode, PGType: "text"},
	{Name: target.FieldName, PGType: "text"}, {Name: target.FieldLegalRepresentative, PGType: "text"}, {Name: target.FieldLegalRepPhone, PGType: "text"},
	{Name: target.FieldAddress, PGType: "text"}, {Name: target.FieldIndustryCode, PGType: "text"}, {Name: target.FieldRegisteredOn, PGType: "timestamptz"},
	{Name: target.FieldStatus, PGType: "text"}, {Name: target.FieldCreditRiskClass, PGType: "text"}, {Name: target.FieldAbnormalList, PGType: "boolean"},
	{Name: target.FieldLicences, PGType: "jsonb"}, {Name: target.FieldTags, PGType: "jsonb"}, {Name: target.FieldContactPerson, PGType: "text"},
	{Name: target.FieldContactPhone, PGType: "text"}, {Name: target.FieldContactDepartmentID, PGType: "bigint"},
}

// validateTarget runs the schema's field validators (ent/schema/target.go) on a record.
func validateTarget(rec *importer.TargetRecord) error {
	checks := []struct {
		field string
		v     *string
		fn    func(string) error
	}{
		{target.FieldName, &rec.Name, target.NameValidator},
		{target.FieldDivisionCode, &rec.DivisionCode, target.DivisionCodeValidator},
		{target.FieldIndustryCode, &rec.IndustryCode, target.IndustryCodeValidator},
		{target.FieldUscc, rec.USCC, target.UsccValidator},
		{target.FieldRegNo, rec.RegNo, target.RegNoValidator},
	}
	for _, c := range checks {
		if c.v == nil {
			continue
		}
		if err := c.fn(*c.v); err != nil {
			if uscc.IsInvalid(err) {
				return err // classified as INVALID_USCC by apperr
			}
			return apperr.Wrap(err, apperr.Invalid, "字段“%s”的值不符合要求：%v", c.field, err)
		}
	}
	if err := target.KindValidator(target.Kind(rec.Kind)); err != nil {
		return apperr.Wrap(err, apperr.Invalid, "对象类型“%s”无效", rec.Kind)
	}
	if err := target.StatusValidator(target.Status(rec.Status)); err != nil {
		return apperr.Wrap(err, apperr.Invalid, "登记状态“%s”无效", rec.Status)
	}
	if err := target.CreditRiskClassValidator(target.CreditRiskClass(rec.CreditRiskClass)); err != nil {
		return apperr.Wrap(err, apperr.Invalid, "信用风险分类“%s”无效", rec.CreditRiskClass)
	}
	return nil
}

func nullable(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

func nullableTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return *t
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (w *writer) writeInspectors(ctx context.Context, rows []importer.Row) error {
	var certs []string
	for _, r := range rows {
		if r.Inspector.CertificateNo != nil {
			certs = append(certs, *r.Inspector.CertificateNo)
		}
	}
	existing, err := w.tx.Inspector.Query().Where(inspector.CertificateNoIn(certs...)).All(ctx)
	if err != nil {
		return err
	}
	byCert := map[string]*ent.Inspector{}
	for _, in := range existing {
		byCert[*in.CertificateNo] = in
	}
	var creates []*ent.InspectorCreate
	for _, r := range rows {
		rec := r.Inspector
		dep := w.dep
		if rec.Department != "" {
			if dep = w.depts[rec.Department]; dep == nil {
				return apperr.New(apperr.Invalid, "第 %d 行：部门编码 %s 不存在", r.Line, rec.Department)
			}
		}
		if rec.CertificateNo != nil {
			if old, ok := byCert[*rec.CertificateNo]; ok {
				// An inspector moves to another department only when the office's file says so.
				moves := old.DepartmentID != dep.ID
				if moves && (rec.Department == "" || !w.opt.Reader.AllDepartments) {
					return apperr.New(apperr.Conflict, "第 %d 行：执法证号 %s 已登记在其他部门", r.Line, *rec.CertificateNo)
				}
				rec := keepAbsentInspector(rec, InspectorRecordOf(old), w.present)
				if !moves && InspectorRecordOf(old).Digest() == rec.Digest() {
					w.unchanged++
					continue
				}
				u := w.tx.Inspector.UpdateOneID(old.ID).SetName(rec.Name).SetPhone(rec.Phone).
					SetKind(inspector.Kind(rec.Kind)).SetNillableCertificateExpiresOn(rec.CertificateExpiresOn).
					SetQualifications(nonNil(rec.Qualifications)).SetSpecialties(nonNil(rec.Specialties)).
					SetIsExpert(rec.IsExpert).SetActive(rec.Active)
				if moves {
					u.SetDepartmentID(dep.ID).SetDivisionCode(dep.DivisionCode)
				}
				if rec.IDNumber != "" { // the ID number is optional when there is a certificate
					u.SetIDNumber(rec.IDNumber)
				}
				if err := u.Exec(ctx); err != nil {
					return err
				}
				w.updated++
				continue
			}
		}
		c := w.tx.Inspector.Create().SetName(rec.Name).SetPhone(rec.Phone).
			SetKind(inspector.Kind(rec.Kind)).SetNillableCertificateNo(rec.CertificateNo).
			SetNillableCertificateExpiresOn(rec.CertificateExpiresOn).SetQualifications(nonNil(rec.Qualifications)).
			SetSpecialties(nonNil(rec.Specialties)).SetIsExpert(rec.IsExpert).SetActive(rec.Active).
			SetDepartmentID(dep.ID).SetDivisionCode(dep.DivisionCode)
		if rec.IDNumber != "" { // the ID number is optional when there is a certificate
			c.SetIDNumber(rec.IDNumber)
		}
		creates = append(creates, c)
	}
	if len(creates) > 0 {
		if err := w.tx.Inspector.CreateBulk(creates...).Exec(ctx); err != nil {
			return err
		}
		w.created += len(creates)
	}
	return nil
}

func (w *writer) writeItems(ctx context.Context, rows []importer.Row) error {
	var codes []string
	for _, r := range rows {
		codes = append(codes, r.Item.Code)
	}
	existing, err := w.tx.InspectionItem.Query().Where(inspectionitem.ItemListID(w.listID), inspectionitem.CodeIn(codes...)).WithMethods().All(ctx)
	if err != nil {
		return err
	}
	byCode := map[string]*ent.InspectionItem{}
	for _, it := range existing {
		byCode[it.Code] = it
	}
	for _, r := range rows {
		rec := r.Item
		var methodIDs []int
		for _, m := range rec.Methods {
			id, ok := w.methodID[m]
			if !ok {
				return apperr.New(apperr.Invalid, "第 %d 行：检查方式代码 %s 不在代码表中", r.Line, m)
			}
			methodIDs = append(methodIDs, id)
		}
		if old, ok := byCode[rec.Code]; ok {
			if ItemRecordOf(old).Digest() == rec.Digest() {
				w.unchanged++
				continue
			}
			err := w.tx.InspectionItem.UpdateOneID(old.ID).SetName(rec.Name).SetCategory(inspectionitem.Category(rec.Category)).
				SetLegalBasis(rec.LegalBasis).SetResponsibleBody(rec.ResponsibleBody).SetTargetType(rec.TargetType).
				SetContent(rec.Content).SetNillableRatioMin(rec.RatioMin).SetNillableRatioMax(rec.RatioMax).
				SetFrequency(rec.Frequency).SetInspectorRequirements(rec.InspectorRequirements).
				SetRequiredQualifications(nonNil(rec.RequiredQualifications)).ClearMethods().AddMethodIDs(methodIDs...).Exec(ctx)
			if err != nil {
				return err
			}
			w.updated++
			continue
		}
		err := w.tx.InspectionItem.Create().SetItemListID(w.listID).SetCode(rec.Code).SetName(rec.Name).
			SetCategory(inspectionitem.Category(rec.Category)).SetLegalBasis(rec.LegalBasis).SetResponsibleBody(rec.ResponsibleBody).
			SetTargetType(rec.TargetType).SetContent(rec.Content).SetNillableRatioMin(rec.RatioMin).SetNillableRatioMax(rec.RatioMax).
			SetFrequency(rec.Frequency).SetInspectorRequirements(rec.InspectorRequirements).
			SetRequiredQualifications(nonNil(rec.RequiredQualifications)).AddMethodIDs(methodIDs...).
			SetDivisionCode(w.dep.DivisionCode).Exec(ctx)
		if err != nil {
			return fmt.Errorf("第 %d 行：%w", r.Line, err)
		}
		w.created++
	}
	return nil
}

// keepAbsentTarget returns the record to store over a stored target: a field the file has no
// column for keeps its stored value (a file need not carry every column; importing it must not
// reset the credit-risk class to B or clear the industry), and so do the identifiers and the
// division a row leaves empty (a default division applies to new targets only).
func keepAbsentTarget(rec, cur *importer.TargetRecord, present map[string]bool) *importer.TargetRecord {
	r := *rec
	keep := func(field string) bool { return !present[field] }
	if r.USCC == nil {
		r.USCC = cur.USCC
	}
	if r.RegNo == nil {
		r.RegNo = cur.RegNo
	}
	if r.ObjectCode == nil {
		r.ObjectCode = cur.ObjectCode
	}
	if keep(target.FieldKind) {
		r.Kind = cur.Kind
	}
	if keep(target.FieldLegalRepresentative) {
		r.LegalRepresentative = cur.LegalRepresentative
	}
	if keep(target.FieldLegalRepPhone) {
		r.LegalRepPhone = cur.LegalRepPhone
	}
	if keep(target.FieldAddress) {
		r.Address = cur.Address
	}
	if keep(target.FieldDivisionCode) || r.DivisionCode == "" {
		r.DivisionCode = cur.DivisionCode
	}
	if keep(target.FieldIndustryCode) {
		r.IndustryCode = cur.IndustryCode
	}
	if keep(target.FieldRegisteredOn) {
		r.RegisteredOn = cur.RegisteredOn
	}
	if keep(target.FieldStatus) {
		r.Status = cur.Status
	}
	if keep(target.FieldCreditRiskClass) {
		r.CreditRiskClass = cur.CreditRiskClass
	}
	if keep(target.FieldAbnormalList) {
		r.AbnormalList = cur.AbnormalList
	}
	if keep(target.FieldLicences) {
		r.Licences = nonNil(cur.Licences)
	}
	if keep(target.FieldTags) {
		r.Tags = nonNil(cur.Tags)
	}
	if keep(target.FieldContactPerson) {
		r.ContactPerson = cur.ContactPerson
	}
	if keep(target.FieldContactPhone) {
		r.ContactPhone = cur.ContactPhone
	}
	return &r
}

// keepAbsentInspector is keepAbsentTarget for inspectors.
func keepAbsentInspector(rec, cur *importer.InspectorRecord, present map[string]bool) *importer.InspectorRecord {
	r := *rec
	keep := func(field string) bool { return !present[field] }
	if keep(inspector.FieldIDNumber) {
		r.IDNumber = cur.IDNumber
	}
	if keep(inspector.FieldPhone) {
		r.Phone = cur.Phone
	}
	if keep(inspector.FieldKind) {
		r.Kind = cur.Kind
	}
	if keep(inspector.FieldCertificateExpiresOn) {
		r.CertificateExpiresOn = cur.CertificateExpiresOn
	}
	if keep(inspector.FieldQualifications) {
		r.Qualifications = nonNil(cur.Qualifications)
	}
	if keep(inspector.FieldSpecialties) {
		r.Specialties = nonNil(cur.Specialties)
	}
	if keep(inspector.FieldIsExpert) {
		r.IsExpert = cur.IsExpert
	}
	if keep(inspector.FieldActive) {
		r.Active = cur.Active
	}
	return &r
}

// TargetRecordOf maps a stored target to the import/export record.
func TargetRecordOf(t *ent.Target) *importer.TargetRecord {
	return &importer.TargetRecord{
		USCC: t.Uscc, RegNo: t.RegNo, ObjectCode: t.ObjectCode, Kind: string(t.Kind), Name: t.Name,
		LegalRepresentative: t.LegalRepresentative, LegalRepPhone: t.LegalRepPhone, Address: t.Address,
		DivisionCode: t.DivisionCode, IndustryCode: t.IndustryCode, RegisteredOn: dateOnly(t.RegisteredOn),
		Status: string(t.Status), CreditRiskClass: string(t.CreditRiskClass), AbnormalList: t.AbnormalList,
		Licences: t.Licences, Tags: t.Tags, ContactPerson: t.ContactPerson, ContactPhone: t.ContactPhone,
	}
}

// InspectorRecordOf maps a stored inspector to the import/export record.
func InspectorRecordOf(in *ent.Inspector) *importer.InspectorRecord {
	return &importer.InspectorRecord{
		Name: in.Name, IDNumber: in.IDNumber, Phone: in.Phone, Kind: string(in.Kind), CertificateNo: in.CertificateNo,
		CertificateExpiresOn: dateOnly(in.CertificateExpiresOn), Qualifications: in.Qualifications,
		Specialties: in.Specialties, IsExpert: in.IsExpert, Active: in.Active,
	}
}

// ItemRecordOf maps a stored item (with its methods loaded) to the import/export record.
func ItemRecordOf(it *ent.InspectionItem) *importer.ItemRecord {
	var methods []string
	for _, m := range it.Edges.Methods {
		methods = append(methods, m.Code)
	}
	return &importer.ItemRecord{
		Code: it.Code, Name: it.Name, Category: string(it.Category), LegalBasis: it.LegalBasis,
		ResponsibleBody: it.ResponsibleBody, TargetType: it.TargetType, Content: it.Content, Methods: methods,
		RatioMin: it.RatioMin, RatioMax: it.RatioMax, Frequency: it.Frequency,
		InspectorRequirements: it.InspectorRequirements, RequiredQualifications: it.RequiredQualifications,
	}
}

// dateOnly maps a stored date to midnight CST, as the importer produces dates.
func dateOnly(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	c := t.In(clock.CST)
	d := time.Date(c.Year(), c.Month(), c.Day(), 0, 0, 0, 0, clock.CST)
	return &d
}

// pages turns keyset-paginated loads into a stream of records.
func pages[E any, R any](ctx context.Context, load func(after, limit int) ([]E, error), id func(E) int, rec func(E) (*R, error)) iter.Seq2[*R, error] {
	return func(yield func(*R, error) bool) {
		after := 0
		for {
			page, err := load(after, 1000)
			if err != nil {
				yield(nil, err)
				return
			}
			for _, e := range page {
				r, err := rec(e)
				if !yield(r, err) || err != nil {
					return
				}
			}
			if len(page) < 1000 {
				return
			}
			after = id(page[len(page)-1])
		}
	}
}
