package portal

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"github.com/ssgk/ssgk/internal/clock"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/internal/publish"
)

// Open data (开放数据): stable URLs and stable column names. CSV is UTF-8 with a byte-order mark
// so that Excel opens it correctly; JSON is an array of objects with the same keys (lists as
// arrays). Columns are only ever added at the end.

var resultColumns = []string{
	"publication_id", "kind", "published_at", "ledger_index", "digest", "corrects_publication_id",
	"version", "plan_number", "plan_name", "task_number", "task_name", "task_type",
	"authority", "department_code", "target_code", "target_name", "completed_on",
	"result_codes", "items", "methods", "follow_up", "correction_reason",
}

var taskColumns = []string{
	"publication_id", "published_at", "ledger_index", "digest", "task_number", "task_name",
	"kind", "special", "joint", "initiator", "department_code", "participants", "items",
	"libraries", "methods", "scope", "window_start", "window_end", "plan_number", "plan_name", "batch",
	"cancelled", "cancel_reason", "draws", "draw_status", "recusals", "replacements",
}

type row struct {
	cols []string
	json map[string]any
}

// openWriter writes rows as CSV or a JSON array, streaming.
type openWriter struct {
	w       *bufio.Writer
	csv     *csv.Writer
	columns []string
	n       int
}

func newOpenWriter(w http.ResponseWriter, format, name string, columns []string) (*openWriter, error) {
	ow := &openWriter{columns: columns}
	switch format {
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name+".csv"))
		ow.w = bufio.NewWriter(w)
		ow.w.WriteString("\ufeff")
		ow.csv = csv.NewWriter(ow.w)
		ow.csv.UseCRLF = true
		return ow, ow.csv.Write(columns)
	case "json":
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		ow.w = bufio.NewWriter(w)
		_, err := ow.w.WriteString("[")
		return ow, err
	}
	return nil, notFound("开放数据只提供 .csv 与 .json 两种格式")
}

func (ow *openWriter) write(r row) error {
	if ow.csv != nil {
		return ow.csv.Write(r.cols)
	}
	if ow.n > 0 {
		ow.w.WriteString(",")
	}
	ow.n++
	ow.w.WriteString("\n")
	ordered := make(orderedObject, 0, len(ow.columns))
	for _, c := range ow.columns {
		ordered = append(ordered, [2]any{c, r.json[c]})
	}
	b, err := json.Marshal(ordered)
	if err != nil {
		return err
	}
	_, err = ow.w.Write(b)
	return err
}

func (ow *openWriter) close() error {
	if ow.csv != nil {
		ow.csv.Flush()
		if err := ow.csv.Error(); err != nil {
			return err
		}
	} else {
		ow.w.WriteString("\n]\n")
	}
	return ow.w.Flush()
}

// orderedObject marshals as a JSON object with its keys in column order.
type orderedObject [][2]any

func (o orderedObject) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteString("{")
	for i, kv := range o {
		if i > 0 {
			b.WriteString(",")
		}
		k, _ := json.Marshal(kv[0])
		v, err := json.Marshal(kv[1])
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteString(":")
		b.Write(v)
	}
	b.WriteString("}")
	return []byte(b.String()), nil
}

func optInt64(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

func optIntString(p *int) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(*p)
}

func optInt64String(p *int64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatInt(*p, 10)
}

func (h *handler) openResults(w http.ResponseWriter, r *http.Request, _ stamp) error {
	format := chi.URLParam(r, "format")
	if format != "csv" && format != "json" {
		return notFound("开放数据只提供 .csv 与 .json 两种格式")
	}
	q, err := h.parseResultQuery(r)
	if err != nil {
		return err
	}
	codes, err := h.departmentCodes(r)
	if err != nil {
		return err
	}
	ow, err := newOpenWriter(w, format, "results", resultColumns)
	if err != nil {
		return err
	}
	err = h.d.eachResultPublication(r.Context(), q.filter, func(p *ent.Publication) error {
		return ow.write(resultRow(p, codes))
	})
	if err != nil {
		// The header is out: the visitor gets a truncated file, the log the reason.
		h.log.ErrorContext(r.Context(), "open data results", "err", err)
		return nil
	}
	return ow.close()
}

func resultRow(p *ent.Publication, deptCodes map[int]string) row {
	m := decode[publish.Result](p.Payload)
	var items []map[string]any
	var itemTexts []string
	for _, it := range m.Items {
		codes := names(it.Codes)
		items = append(items, map[string]any{"item_code": it.ItemCode, "item_name": it.ItemName,
			"result": it.Result, "problem": it.Problem, "handling": it.Handling, "codes": codes})
		t := it.ItemCode + " " + it.ItemName + "：" + it.Result
		if len(codes) > 0 {
			t += "（" + strings.Join(codes, "、") + "）"
		}
		itemTexts = append(itemTexts, t)
	}
	if items == nil {
		items = []map[string]any{}
	}
	dc := ""
	if p.DepartmentID != nil {
		dc = deptCodes[*p.DepartmentID]
	}
	version := m.Version
	if _, ok := p.Payload["version"]; !ok {
		version = 1
	}
	reason := ""
	if m.Correction != nil {
		reason = m.Correction.Reason
	}
	codes, methods := names(m.ResultCodes), nonNil(m.Methods)
	j := map[string]any{
		"publication_id": p.ID, "kind": string(p.Kind), "published_at": p.PublishedAt.In(clock.CST).Format("2006-01-02T15:04:05-07:00"),
		"ledger_index": optInt64(p.LedgerIndex), "digest": p.Digest, "corrects_publication_id": p.CorrectsID,
		"version": version, "plan_number": m.PlanNumber, "plan_name": m.PlanName,
		"task_number": m.TaskNumber, "task_name": m.TaskName, "task_type": m.TaskType,
		"authority": m.Authority, "department_code": dc, "target_code": m.TargetCode,
		"target_name": m.TargetName, "completed_on": m.CompletedOn,
		"result_codes": codes, "items": items, "methods": methods, "follow_up": m.FollowUp, "correction_reason": reason,
	}
	cols := []string{
		strconv.Itoa(p.ID), string(p.Kind), j["published_at"].(string), optInt64String(p.LedgerIndex), p.Digest, optIntString(p.CorrectsID),
		strconv.Itoa(version), m.PlanNumber, m.PlanName, m.TaskNumber, m.TaskName, m.TaskType,
		m.Authority, dc, m.TargetCode, m.TargetName, m.CompletedOn,
		strings.Join(codes, "；"), strings.Join(itemTexts, "；"), strings.Join(methods, "；"), m.FollowUp, reason,
	}
	return row{cols: cols, json: j}
}

func (h *handler) openTasks(w http.ResponseWriter, r *http.Request, _ stamp) error {
	format := chi.URLParam(r, "format")
	if format != "csv" && format != "json" {
		return notFound("开放数据只提供 .csv 与 .json 两种格式")
	}
	v := r.URL.Query()
	var f openFilter
	var err error
	if f.From, f.To, err = dateRange(strings.TrimSpace(v.Get("from")), strings.TrimSpace(v.Get("to"))); err != nil {
		return err
	}
	if c := strings.TrimSpace(v.Get("department")); c != "" {
		if f.Department, err = h.departmentID(r, c); err != nil {
			return err
		}
	}
	codes, err := h.departmentCodes(r)
	if err != nil {
		return err
	}
	ow, err := newOpenWriter(w, format, "tasks", taskColumns)
	if err != nil {
		return err
	}
	states, err := h.d.taskStates(r.Context())
	if err != nil {
		return err
	}
	err = h.d.eachTaskAnnouncement(r.Context(), f, func(p *ent.Publication) error {
		return ow.write(taskRow(p, codes, states[p.SubjectID]))
	})
	if err != nil {
		h.log.ErrorContext(r.Context(), "open data tasks", "err", err)
		return nil
	}
	return ow.close()
}

func taskRow(p *ent.Publication, deptCodes map[int]string, st taskState) row {
	m := decode[publish.TaskAnnouncement](p.Payload)
	var items []map[string]any
	var itemTexts []string
	for _, it := range m.Items {
		items = append(items, map[string]any{"code": it.Code, "name": it.Name,
			"category": it.Category, "department": it.Department})
		itemTexts = append(itemTexts, it.Code+" "+it.Name+"（"+it.Department+"）")
	}
	if items == nil {
		items = []map[string]any{}
	}
	dc := ""
	if p.DepartmentID != nil {
		dc = deptCodes[*p.DepartmentID]
	}
	parts, libs, methods := nonNil(m.Participants), nonNil(m.Libraries), nonNil(m.Methods)
	scope := scopeText(m.Scope)
	planNumber, planName, batch := optString(m.PlanNumber), optString(m.PlanName), optString(m.Batch)
	at := p.PublishedAt.In(clock.CST).Format("2006-01-02T15:04:05-07:00")
	j := map[string]any{
		"publication_id": p.ID, "published_at": at, "ledger_index": optInt64(p.LedgerIndex), "digest": p.Digest,
		"task_number": m.Number, "task_name": m.Name, "kind": m.Kind, "special": m.Special,
		"joint": m.Joint, "initiator": m.Initiator, "department_code": dc, "participants": parts,
		"items": items, "libraries": libs, "methods": methods, "scope": scope,
		"window_start": m.WindowStart, "window_end": m.WindowEnd,
		"plan_number": planNumber, "plan_name": planName, "batch": batch,
		"cancelled": st.Cancelled, "cancel_reason": st.CancelReason, "draws": st.Draws, "draw_status": st.DrawStatus,
		"recusals": st.Recusals, "replacements": st.Replacements,
	}
	cols := []string{
		strconv.Itoa(p.ID), at, optInt64String(p.LedgerIndex), p.Digest, m.Number, m.Name,
		m.Kind, strconv.FormatBool(m.Special), strconv.FormatBool(m.Joint), m.Initiator, dc,
		strings.Join(parts, "；"), strings.Join(itemTexts, "；"), strings.Join(libs, "；"), strings.Join(methods, "；"), scope,
		m.WindowStart, m.WindowEnd, planNumber, planName, batch,
		strconv.FormatBool(st.Cancelled), st.CancelReason, strconv.Itoa(st.Draws), st.DrawStatus,
		strconv.Itoa(st.Recusals), strconv.Itoa(st.Replacements),
	}
	return row{cols: cols, json: j}
}

func (h *handler) departmentCodes(r *http.Request) (map[int]string, error) {
	ds, err := h.d.departments(r.Context())
	if err != nil {
		return nil, err
	}
	out := make(map[int]string, len(ds))
	for _, d := range ds {
		out[d.ID] = d.Code
	}
	return out, nil
}
