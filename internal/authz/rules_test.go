package authz_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/authz"
	"github.com/ssgk/ssgk/internal/viewer"
)

// roleLetters abbreviates the roles in the expectations below: O office, D department
// administrator, I inspector, A approver, H head, C credit centre, B dashboard, S system
// administrator; "*" is anyone, the public included.
var roleLetters = map[string]byte{
	viewer.RoleOffice: 'O', viewer.RoleDeptAdmin: 'D', viewer.RoleInspector: 'I', viewer.RoleApprover: 'A',
	viewer.RoleHead: 'H', viewer.RoleCreditCenter: 'C', viewer.RoleDashboard: 'B', viewer.RoleSystemAdmin: 'S',
}

// expect is, for one action, the roles that may perform it on records their department owns
// (own), on records another department owns (other), and on a record no department owns yet
// (unowned: CheckRole). Every other role is refused with FORBIDDEN; the public with
// UNAUTHENTICATED unless the action is anyone's. Written by hand from design.md §5 and
// docs/authorisation.md, not derived from authz.Rules: a rule changed by mistake fails here.
type expect struct{ own, other, unowned string }

var expectations = map[authz.Action]expect{
	authz.Login:              {"*", "*", "*"},
	authz.ManageDepartments:  {"O", "O", "O"},
	authz.EditTargets:        {"OD", "O", "OD"},
	authz.EditLibraries:      {"OD", "O", "OD"},
	authz.EditInspectors:     {"OD", "O", "OD"},
	authz.DeclareConflicts:   {"OD", "O", "OD"},
	authz.EditItems:          {"OD", "O", "OD"},
	authz.SubmitFiling:       {"ODH", "O", "ODH"},
	authz.DecideFiling:       {"O", "O", "O"},
	authz.PublishList:        {"ODH", "O", "ODH"},
	authz.ConfirmLibraries:   {"ODH", "O", "ODH"},
	authz.Import:             {"OD", "O", "OD"},
	authz.EditPlans:          {"OD", "O", "OD"},
	authz.ManageTasks:        {"OD", "O", "OD"},
	authz.RunDraws:           {"OD", "O", "OD"},
	authz.EnterResults:       {"DI", "", "DI"},
	authz.ReviewResults:      {"A", "", "A"},
	authz.CorrectResults:     {"H", "", "H"},
	authz.EnrollSigningKey:   {"H", "H", "H"},
	authz.HandleFollowUps:    {"DIAH", "", "DIAH"},
	authz.ReceiveLeads:       {"OD", "O", "OD"},
	authz.AssignLeads:        {"O", "O", "O"},
	authz.HandleLeads:        {"ODI", "O", "ODI"},
	authz.DecideLeadClusters: {"O", "O", "O"},
	authz.RequestGrants:      {"ODHC", "O", "ODHC"},
	authz.DecideGrants:       {"ODH", "O", "ODH"},
	authz.RevokeGrants:       {"ODHC", "O", "ODHC"},
	authz.SaveQueries:        {"ODIAHCB", "O", "ODIAHCB"},
	authz.ReadNotifications:  {"ODIAH", "O", "ODIAH"},
	authz.ManageAccounts:     {"ODS", "O", "ODS"},
}

// The departments of the table: the records belong to owner; other is any other department.
// A grant (share_grants) opens fields to read, never a write: a department holding grants
// from the owner is "other" here (the write matrix of internal/acceptance asks it over
// GraphQL with real grants).
const (
	owner = 7
	other = 8
)

// TestRules_Table: every rule of authz.Rules (the table docs/authorisation.md is generated
// from) × every role × own / other department's / unowned record, plus the public and the
// operator, gives the expected answer and refusal code. A rule without expectations fails.
func TestRules_Table(t *testing.T) {
	seen := map[authz.Action]bool{}
	cells, refusals := 0, 0
	for _, r := range authz.Rules {
		seen[r.Action] = true
		want, ok := expectations[r.Action]
		if !ok {
			t.Errorf("rule %s (%s) has no cases in the table of rules_test.go", r.Action, r.Label)
			continue
		}
		type relation struct {
			name    string
			allowed string
			check   func(v *viewer.Viewer) error
		}
		rels := []relation{
			{"own", want.own, func(v *viewer.Viewer) error { return authz.Check(v, r.Action, owner) }},
			{"other", want.other, func(v *viewer.Viewer) error { return authz.Check(v, r.Action, owner) }},
			{"unowned", want.unowned, func(v *viewer.Viewer) error { return authz.CheckRole(v, r.Action) }},
		}
		for _, rel := range rels {
			dep := owner
			if rel.name == "other" {
				dep = other
			}
			for _, role := range viewer.AllRoles {
				name := fmt.Sprintf("%s/%s/%s", r.Action, rel.name, role)
				v := &viewer.Viewer{Kind: viewer.Account, Name: "t", DepartmentID: dep, Roles: []string{role}}
				allowed := rel.allowed == "*" || strings.IndexByte(rel.allowed, roleLetters[role]) >= 0
				err := rel.check(v)
				cells++
				switch {
				case allowed && err != nil:
					t.Errorf("%s: refused (%v), want allowed", name, err)
				case !allowed && apperr.CodeOf(err) != apperr.Forbidden:
					t.Errorf("%s: got %q (%v), want %s", name, apperr.CodeOf(err), err, apperr.Forbidden)
				case !allowed:
					refusals++
					// The message says why: the role, or the department the records belong to.
					roleOK := strings.IndexByte(want.own+want.unowned, roleLetters[role]) >= 0
					if msg := apperr.From(err).Message; roleOK != strings.Contains(msg, "只能") {
						t.Errorf("%s: message %q does not say why (role allowed on own records: %v)", name, msg, roleOK)
					}
				}
			}
			// The public logs in and does nothing else; an operator command does everything.
			pub := rel.check(&viewer.Viewer{Kind: viewer.Anonymous})
			if rel.allowed == "*" {
				if pub != nil {
					t.Errorf("%s/%s/public: refused (%v), want allowed", r.Action, rel.name, pub)
				}
			} else if apperr.CodeOf(pub) != apperr.Unauthenticated {
				t.Errorf("%s/%s/public: got %q, want %s", r.Action, rel.name, apperr.CodeOf(pub), apperr.Unauthenticated)
			}
			if err := rel.check(viewer.NewSystem("test")); err != nil {
				t.Errorf("%s/%s/operator: refused (%v)", r.Action, rel.name, err)
			}
		}
	}
	for a := range expectations {
		if !seen[a] {
			t.Errorf("the table has cases for %s, which is no rule of authz.Rules", a)
		}
	}
	t.Logf("%d rules, %d cells, %d refusals", len(authz.Rules), cells, refusals)
}

// TestRules_MutationsOnce: every mutation and command names one rule, once.
func TestRules_MutationsOnce(t *testing.T) {
	seen := map[string]authz.Action{}
	for _, r := range authz.Rules {
		if authz.RuleOf(r.Action) == nil || authz.RuleOf(r.Action).Label != r.Label {
			t.Errorf("RuleOf(%s) is not its rule", r.Action)
		}
		for _, m := range append(append([]string{}, r.Mutations...), r.Commands...) {
			if prev, dup := seen[m]; dup {
				t.Errorf("%s is in the rules of both %s and %s", m, prev, r.Action)
			}
			seen[m] = r.Action
			if strings.HasPrefix(m, "ssgk ") {
				continue
			}
			if got, ok := authz.MutationRule(m); !ok || got.Action != r.Action {
				t.Errorf("MutationRule(%s) is not %s", m, r.Action)
			}
		}
	}
	if _, ok := authz.MutationRule("noSuchMutation"); ok {
		t.Error("MutationRule found a rule for an unknown mutation")
	}
	if err := authz.Check(&viewer.Viewer{Kind: viewer.Account, Roles: viewer.AllRoles}, "no.such.action"); apperr.CodeOf(err) != apperr.Internal {
		t.Errorf("an unknown action: got %v, want %s", err, apperr.Internal)
	}
}

// TestFileRules_Table: downloading a department's files and exporting libraries.
func TestFileRules_Table(t *testing.T) {
	acc := func(dep int, roles ...string) *viewer.Viewer {
		return &viewer.Viewer{Kind: viewer.Account, Name: "t", DepartmentID: dep, Roles: roles}
	}
	cases := []struct {
		name          string
		v             *viewer.Viewer
		files, export string // "" allowed, else the refusal code
	}{
		{"own department", acc(owner, viewer.RoleInspector), "", ""},
		{"other department", acc(other, viewer.RoleDeptAdmin), apperr.Forbidden, ""},
		{"office of another department", acc(other, viewer.RoleOffice), "", ""},
		{"dashboard of another department", acc(other, viewer.RoleDashboard), apperr.Forbidden, ""},
		{"system administrator only", acc(owner, viewer.RoleSystemAdmin), "", apperr.Forbidden},
		{"system administrator and inspector", acc(owner, viewer.RoleSystemAdmin, viewer.RoleInspector), "", ""},
		{"operator", viewer.NewSystem("test"), "", ""},
		{"public", &viewer.Viewer{Kind: viewer.Anonymous}, apperr.Unauthenticated, apperr.Unauthenticated},
	}
	for _, c := range cases {
		if got := apperr.CodeOf(authz.CheckDepartmentFiles(c.v, owner)); got != c.files {
			t.Errorf("files, %s: got %q, want %q", c.name, got, c.files)
		}
		if got := apperr.CodeOf(authz.CheckExport(c.v)); got != c.export {
			t.Errorf("export, %s: got %q, want %q", c.name, got, c.export)
		}
	}
}
