package portal

import (
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/publication"
	"github.com/ssgk/ssgk/internal/calendar"
	"github.com/ssgk/ssgk/internal/clock"
	"github.com/ssgk/ssgk/internal/uscc"
)

func (h *handler) home(w http.ResponseWriter, r *http.Request, _ stamp) error {
	ctx := r.Context()
	ps, err := h.d.latest(ctx, 15)
	if err != nil {
		return err
	}
	cp, err := h.d.checkpointSize(ctx)
	if err != nil {
		return err
	}
	latest := make([]pubView, len(ps))
	for i, p := range ps {
		latest[i] = h.pub(p, cp)
	}
	return h.render(w, r, http.StatusOK, "home", view{Title: "双随机、一公开 公示平台", Section: "home", D: latest})
}

// lists: each department's published list versions, newest first.
func (h *handler) lists(w http.ResponseWriter, r *http.Request, _ stamp) error {
	ctx := r.Context()
	ps, err := h.d.ofKind(ctx, publication.KindITEM_LIST)
	if err != nil {
		return err
	}
	cp, err := h.d.checkpointSize(ctx)
	if err != nil {
		return err
	}
	type deptLists struct {
		Department string
		Code       string
		Versions   []listView
	}
	current, err := h.d.currentLists(ctx)
	if err != nil {
		return err
	}
	today := calendar.DateOf(clock.Now(ctx)).Format(time.DateOnly)
	byDept := map[string]*deptLists{}
	var order []*deptLists
	for i := len(ps) - 1; i >= 0; i-- {
		lv := h.list(ps[i], cp)
		lv.Items = nil
		lv.Current = current[lv.SubjectID]
		lv.Pending = !lv.Current && lv.EffectiveDate > today
		dl := byDept[lv.DepartmentCode]
		if dl == nil {
			dl = &deptLists{Department: lv.Department, Code: lv.DepartmentCode}
			byDept[lv.DepartmentCode] = dl
			order = append(order, dl)
		}
		dl.Versions = append(dl.Versions, lv)
	}
	sort.SliceStable(order, func(i, j int) bool { return order[i].Code < order[j].Code })
	return h.render(w, r, http.StatusOK, "lists", view{Title: "抽查事项清单", Section: "lists", D: order})
}

func (h *handler) listVersion(w http.ResponseWriter, r *http.Request, _ stamp) error {
	ctx := r.Context()
	id, err := strconv.Atoi(chi.URLParam(r, "id"))
	if err != nil || id <= 0 {
		return badRequest("BAD_ID", "清单版本编号“%s”无效", chi.URLParam(r, "id"))
	}
	p, err := h.d.subject(ctx, publication.KindITEM_LIST, ent.TypeItemList, id)
	if err != nil {
		return err
	}
	if p == nil {
		return notFound("没有编号为 %d 的已公示清单版本", id)
	}
	cp, err := h.d.checkpointSize(ctx)
	if err != nil {
		return err
	}
	lv := h.list(p, cp)
	return h.render(w, r, http.StatusOK, "list", view{Title: lv.Department + " 抽查事项清单（第 " + lv.Version + " 版）", Section: "lists", D: lv})
}

// plans: plans grouped by number, each with its versions (adjustments with reasons).
func (h *handler) plans(w http.ResponseWriter, r *http.Request, _ stamp) error {
	ctx := r.Context()
	ps, err := h.d.ofKind(ctx, publication.KindPLAN)
	if err != nil {
		return err
	}
	cp, err := h.d.checkpointSize(ctx)
	if err != nil {
		return err
	}
	type planGroup struct {
		Number, Name, Year, Department string
		Versions                       []planView // newest first
	}
	byNumber := map[string]*planGroup{}
	var order []*planGroup
	for i := len(ps) - 1; i >= 0; i-- {
		pv := h.plan(ps[i], cp)
		g := byNumber[pv.Number]
		if g == nil {
			g = &planGroup{Number: pv.Number, Name: pv.Name, Year: pv.Year, Department: pv.Department}
			byNumber[pv.Number] = g
			order = append(order, g)
		}
		g.Versions = append(g.Versions, pv)
	}
	return h.render(w, r, http.StatusOK, "plans", view{Title: "年度抽查计划", Section: "plans", D: order})
}

type pager struct {
	Page, Pages, Total int
	Prev, Next         string
}

func newPager(r *http.Request, page, total int) pager {
	p := pager{Page: page, Total: total, Pages: (total + pageSize - 1) / pageSize}
	link := func(n int) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(n))
		return r.URL.Path + "?" + q.Encode()
	}
	if page > 1 {
		p.Prev = link(page - 1)
	}
	if page < p.Pages {
		p.Next = link(page + 1)
	}
	return p
}

func pageParam(r *http.Request) (int, error) {
	s := r.URL.Query().Get("page")
	if s == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 100000 {
		return 0, badRequest("BAD_PAGE", "页码“%s”无效", s)
	}
	return n, nil
}

func (h *handler) tasks(w http.ResponseWriter, r *http.Request, _ stamp) error {
	ctx := r.Context()
	page, err := pageParam(r)
	if err != nil {
		return err
	}
	ps, total, err := h.d.taskPage(ctx, openFilter{}, (page-1)*pageSize, pageSize)
	if err != nil {
		return err
	}
	if page > 1 && len(ps) == 0 {
		return notFound("第 %d 页没有任务公告", page)
	}
	ids := make([]int, len(ps))
	for i, p := range ps {
		ids[i] = p.SubjectID
	}
	draws, err := h.d.draws(ctx, ids...)
	if err != nil {
		return err
	}
	cp, err := h.d.checkpointSize(ctx)
	if err != nil {
		return err
	}
	out := make([]taskView, len(ps))
	for i, p := range ps {
		out[i] = h.task(p, draws[p.SubjectID], cp)
	}
	return h.render(w, r, http.StatusOK, "tasks", view{Title: "抽查任务公告", Section: "tasks", D: struct {
		Tasks []taskView
		Pager pager
	}{out, newPager(r, page, total)}})
}

var taskNumberRe = regexp.MustCompile(`^[0-9A-Za-z-]{1,32}$`)

func (h *handler) taskPage(w http.ResponseWriter, r *http.Request, _ stamp) error {
	ctx := r.Context()
	number := chi.URLParam(r, "number")
	if !taskNumberRe.MatchString(number) {
		return badRequest("BAD_TASK_NUMBER", "任务编号“%s”格式不正确", number)
	}
	id, p, err := h.d.taskByNumber(ctx, number)
	if err != nil {
		return err
	}
	if p == nil {
		return notFound("没有编号为 %s 的已公告抽查任务", number)
	}
	draws, err := h.d.draws(ctx, id)
	if err != nil {
		return err
	}
	cp, err := h.d.checkpointSize(ctx)
	if err != nil {
		return err
	}
	tv := h.task(p, draws[id], cp)
	for i := range tv.Draws {
		if tv.Draws[i].Revealed {
			if tv.Draws[i].Targets, err = h.d.drawnTargets(ctx, tv.Draws[i].ID); err != nil {
				return err
			}
			if tv.Draws[i].Amendments, err = h.d.amendments(ctx, tv.Draws[i].ID); err != nil {
				return err
			}
		}
	}
	return h.render(w, r, http.StatusOK, "task", view{Title: tv.Name, Section: "tasks", D: tv})
}

// resultQuery is the parsed query of /results and /open/results.*.
type resultQuery struct {
	Q, Department, Item, Task, From, To string
	filter                              resultFilter
}

var regNoRe = regexp.MustCompile(`^[0-9]{15}$`)

func (h *handler) parseResultQuery(r *http.Request) (resultQuery, error) {
	v := r.URL.Query()
	q := resultQuery{Q: strings.TrimSpace(v.Get("q")), Department: strings.TrimSpace(v.Get("department")),
		Item: strings.TrimSpace(v.Get("item")), Task: strings.TrimSpace(v.Get("task")),
		From: strings.TrimSpace(v.Get("from")), To: strings.TrimSpace(v.Get("to"))}
	if utf8.RuneCountInString(q.Q) > 100 {
		return q, badRequest("BAD_QUERY", "查询内容过长（最多 100 个字）")
	}
	if s := strings.ToUpper(q.Q); len(s) == 18 && strings.Trim(s, uscc.Charset()+"IOSVZ") == "" {
		// Looks like a USCC: look it up exactly (indexed) — and say so if it is not valid.
		if err := uscc.Validate(s); err != nil {
			return q, badRequest("INVALID_USCC", "统一社会信用代码“%s”不正确：%v", q.Q, err)
		}
		q.filter.USCC = s
	} else if regNoRe.MatchString(q.Q) {
		q.filter.USCC = q.Q
	} else {
		q.filter.Name = q.Q
	}
	if q.Department != "" {
		id, err := h.departmentID(r, q.Department)
		if err != nil {
			return q, err
		}
		q.filter.Department = id
	}
	if len(q.Item) > 64 {
		return q, badRequest("BAD_ITEM", "抽查事项代码过长")
	}
	if q.Task != "" && !taskNumberRe.MatchString(q.Task) {
		return q, badRequest("BAD_TASK_NUMBER", "任务编号“%s”格式不正确", q.Task)
	}
	q.filter.ItemCode, q.filter.TaskNumber = q.Item, q.Task
	var err error
	if q.filter.From, q.filter.To, err = dateRange(q.From, q.To); err != nil {
		return q, err
	}
	return q, nil
}

func (h *handler) departmentID(r *http.Request, code string) (int, error) {
	ds, err := h.d.departments(r.Context())
	if err != nil {
		return 0, err
	}
	for _, d := range ds {
		if strings.EqualFold(d.Code, code) {
			return d.ID, nil
		}
	}
	return 0, badRequest("BAD_DEPARTMENT", "没有编码为“%s”的部门", code)
}

// dateRange parses from/to (YYYY-MM-DD, China dates, both inclusive) into [from, to+1 day).
func dateRange(from, to string) (time.Time, time.Time, error) {
	var f, t time.Time
	var err error
	if from != "" {
		if f, err = time.ParseInLocation(time.DateOnly, from, clock.CST); err != nil {
			return f, t, badRequest("BAD_DATE", "起始日期“%s”格式不正确，应为 YYYY-MM-DD", from)
		}
	}
	if to != "" {
		if t, err = time.ParseInLocation(time.DateOnly, to, clock.CST); err != nil {
			return f, t, badRequest("BAD_DATE", "截止日期“%s”格式不正确，应为 YYYY-MM-DD", to)
		}
		t = t.AddDate(0, 0, 1)
	}
	if !f.IsZero() && !t.IsZero() && !f.Before(t) {
		return f, t, badRequest("BAD_DATE", "起始日期不能晚于截止日期")
	}
	return f, t, nil
}

func (h *handler) results(w http.ResponseWriter, r *http.Request, _ stamp) error {
	ctx := r.Context()
	q, err := h.parseResultQuery(r)
	if err != nil {
		return err
	}
	page, err := pageParam(r)
	if err != nil {
		return err
	}
	recs, total, err := h.d.searchResults(ctx, q.filter, (page-1)*pageSize, pageSize)
	if err != nil {
		return err
	}
	cp, err := h.d.checkpointSize(ctx)
	if err != nil {
		return err
	}
	deps, err := h.d.departments(ctx)
	if err != nil {
		return err
	}
	items, err := h.d.itemOptions(ctx)
	if err != nil {
		return err
	}
	open := url.Values{}
	for k, v := range map[string]string{"from": q.From, "to": q.To, "department": q.Department} {
		if v != "" {
			open.Set(k, v)
		}
	}
	return h.render(w, r, http.StatusOK, "results", view{Title: "检查结果公示", Section: "results", D: struct {
		Q           resultQuery
		Searched    bool
		Records     []recordView
		Pager       pager
		Departments []dept
		Items       []itemOption
		OpenQuery   string
	}{q, len(r.URL.Query()) > 0, h.records(recs, cp), newPager(r, page, total), deps, items, open.Encode()}})
}

func (h *handler) enterprise(w http.ResponseWriter, r *http.Request, _ stamp) error {
	ctx := r.Context()
	code := strings.ToUpper(strings.TrimSpace(chi.URLParam(r, "uscc")))
	if !regNoRe.MatchString(code) {
		if err := uscc.Validate(code); err != nil {
			return badRequest("INVALID_USCC", "统一社会信用代码“%s”不正确：%v", code, err)
		}
	}
	recs, err := h.d.enterprise(ctx, code)
	if err != nil {
		return err
	}
	if len(recs) == 0 {
		// Not a 404: a citizen would read "not found" as "this enterprise does not exist".
		// The portal cannot say whether it exists — only that nothing about it is published.
		return h.render(w, r, http.StatusOK, "enterprise", view{Title: "暂无公示的抽查检查结果", Section: "results", D: struct {
			Name, Code string
			Records    []recordView
		}{"", code, nil}})
	}
	cp, err := h.d.checkpointSize(ctx)
	if err != nil {
		return err
	}
	rv := h.records(recs, cp)
	// The name as last published (a later name change is published with the next result).
	name := rv[0].Original.TargetName
	if cs := rv[0].Corrections; len(cs) > 0 {
		name = cs[len(cs)-1].TargetName
	}
	return h.render(w, r, http.StatusOK, "enterprise", view{Title: name, Section: "results", D: struct {
		Name, Code string
		Records    []recordView
	}{name, code, rv}})
}

func (h *handler) verify(w http.ResponseWriter, r *http.Request, _ stamp) error {
	info, err := h.verifyInfo(r)
	if err != nil {
		return err
	}
	base := "http://" + r.Host
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		base = "https://" + r.Host
	}
	return h.render(w, r, http.StatusOK, "verify", view{Title: "如何核验", Section: "verify", D: struct {
		Info verifyInfo
		Base string
	}{info, base}})
}

func (h *handler) open(w http.ResponseWriter, r *http.Request, _ stamp) error {
	deps, err := h.d.departments(r.Context())
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "open", view{Title: "开放数据", Section: "open", D: struct {
		ResultColumns, TaskColumns []string
		Departments                []dept
	}{resultColumns, taskColumns, deps}})
}
