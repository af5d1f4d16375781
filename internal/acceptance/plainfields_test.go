package acceptance

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"regexp"
	"testing"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/internal/server"
	"github.com/ssgk/ssgk/internal/viewer"
)

// requestIDs are the only part of a response that differs between two requests.
var requestIDs = regexp.MustCompile(`"requestId":"[^"]*"`)

// TestPlainFieldFastPath_SameResponses: the plain-field fast path (tools/gqlseq, sharing.Uniform)
// answers every query byte for byte as gqlgen's field machinery with the sharing interceptor on
// every field does — field order, aliases, fragments, @skip/@include, __typename, nulls, enums,
// times, nested pages, node and nodes, sealed draw fields, refused fields and their errors,
// invalid queries — for every kind of reader. The generic side is a second server on the same
// database with server.Options.GenericFields.
func TestPlainFieldFastPath_SameResponses(t *testing.T) {
	h := newDemoHub(t)
	opts := server.DefaultOptions
	opts.GenericFields = true
	generic := httptest.NewServer(server.NewWithOptions(h.db.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))), opts))
	t.Cleanup(generic.Close)

	targetIDs, err := h.db.Client.Target.Query().Order(ent.Asc("id")).Limit(5).IDs(h.sys)
	if err != nil {
		t.Fatal(err)
	}
	drawIDs, err := h.db.Client.Draw.Query().Order(ent.Asc("id")).Limit(2).IDs(h.sys)
	if err != nil {
		t.Fatal(err)
	}
	resultIDs, err := h.db.Client.Result.Query().Order(ent.Asc("id")).Limit(2).IDs(h.sys)
	if err != nil {
		t.Fatal(err)
	}
	nodeIDs := append(append(append([]int{}, targetIDs...), drawIDs...), resultIDs...)

	readers := map[string]string{
		"WJ dept admin":      h.token("WJ", viewer.RoleDeptAdmin, viewer.RoleInspector),
		"SCJG dept admin":    h.token("SCJG", viewer.RoleDeptAdmin),
		"SCJG office":        h.token("SCJG", viewer.RoleOffice),
		"credit centre":      h.token("SCJG", viewer.RoleCreditCenter),
		"system admin":       h.token("SCJG", viewer.RoleSystemAdmin),
		"anonymous":          "",
		"WJ inspector":       h.token("WJ", viewer.RoleInspector),
		"SCJG dashboard":     h.token("SCJG", viewer.RoleDashboard),
		"WJ approver + head": h.token("WJ", viewer.RoleApprover, viewer.RoleHead),
	}
	queries := []struct {
		name, q string
		vars    map[string]any
	}{
		{"Q4", `{ targets(first: 200) { edges { node { uscc name status creditRiskClass industryCode } } } }`, nil},
		{"every scalar of a target", `{ targets(first: 60) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node {
			id createdAt updatedAt divisionCode kind uscc regNo objectCode name legalRepresentative legalRepPhone address industryCode
			registeredOn status creditRiskClass abnormalList licences tags lastInspectedOn contactPerson contactPhone contactDepartmentID } } } }`, nil},
		{"aliases, repeats and __typename", `{ t: targets(first: 40) { edges { e: __typename node { __typename a: name b: name name n: uscc uscc
			t2: __typename s: status status phone: contactPhone contactPhone c: creditRiskClass } } } }`, nil},
		{"fragments", `fragment Basic on Target { id name uscc } fragment Contact on Target { contactPerson contactPhone legalRepPhone }
			{ targets(first: 40) { edges { node { ...Basic ...Contact ... on Target { address status name } ... on Node { id } } } } }`, nil},
		{"skip and include", `query($yes: Boolean!, $no: Boolean!) { targets(first: 40) { edges { node { name @include(if: $yes) uscc @skip(if: $yes)
			status @include(if: $no) contactPhone @skip(if: $no) ... on Target @include(if: $yes) { industryCode } } } } }`,
			map[string]any{"yes": true, "no": false}},
		{"nested pages (concurrent fields)", `{ targets(first: 20) { edges { node { name uscc libraries { code name } results(first: 3) { edges { node { id status version abnormalFlag } } } } } } }`, nil},
		{"node", `query($id: ID!) { node(id: $id) { __typename id ... on Target { name uscc contactPhone status } } }`, map[string]any{"id": targetIDs[0]}},
		{"nodes of several types", `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on Target { name contactPerson createdAt }
			... on Draw { seq status seed secretHash commitment revealedAt parameters } ... on Result { status summary inspectionEndDate dueDate } } }`,
			map[string]any{"ids": nodeIDs}},
		{"draws and their sealed seed", `{ draws(first: 20) { edges { node { id seq status algorithmVersion frameRoot frameSize parameters seed
			secretHash commitment commitmentDigest committedAt externalEntropy drawnAt revealedAt reason taskID supersedesID } } } }`, nil},
		{"teams with sealed tickets", `{ inspectionTeams(first: 50) { edges { node { id stratum ticket position createdAt } } } }`, nil},
		{"results with their target", `{ results(first: 50) { edges { node { id status version inspectionEndDate dueDate summary reviewNote abnormalFlag
			submittedAt approvedAt publishedAt taskID targetID departmentID teamID target { id name uscc contactPhone } department { code name shortName } } } } }`, nil},
		{"inspectors", `{ inspectors(first: 50) { edges { node { id name idNumber phone kind certificateNo certificateExpiresOn qualifications
			specialties isExpert active departmentID department { code name isOffice sortOrder } } } } }`, nil},
		{"departments", `{ departments(first: 50) { edges { node { id code name shortName uscc isOffice sortOrder createdAt } } } }`, nil},
		{"viewer", `{ viewer { __typename } }`, nil},
		{"unknown field", `{ targets(first: 2) { edges { node { name nonsense } } } }`, nil},
		{"wrong variable", `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": "no"}},
	}
	post := func(url, token, q string, vars map[string]any) []byte {
		status, raw := sendGraphQL(t, url, token, map[string]any{"query": q, "variables": vars}, nil)
		return append([]byte(fmt.Sprintf("%d ", status)), requestIDs.ReplaceAll(raw, []byte(`"requestId":""`))...)
	}
	withData, refused := 0, 0
	for reader, token := range readers {
		for _, q := range queries {
			fast := post(h.url, token, q.q, q.vars)
			slow := post(generic.URL, token, q.q, q.vars)
			if !bytes.Equal(fast, slow) {
				t.Errorf("%s, %s: the responses differ\nfast path: %.2000s\ngeneric:   %.2000s", reader, q.name, fast, slow)
				continue
			}
			if bytes.Contains(fast, []byte(`"node":{`)) || bytes.Contains(fast, []byte(`"nodes":[{`)) {
				withData++
			}
			if bytes.Contains(fast, []byte("FORBIDDEN_FIELD")) {
				refused++
			}
		}
	}
	// The comparison must compare something: records, and refused fields among them.
	if withData < 40 || refused < 5 {
		t.Errorf("only %d responses with records and %d with refused fields", withData, refused)
	}
	t.Logf("%d responses with records, %d with refused fields", withData, refused)
}
