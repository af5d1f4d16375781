package graph

import (
	"github.com/ssgk/ssgk/graph/model"
	"github.com/ssgk/ssgk/internal/tasks"
)

// taskInput converts createTask's and updateTask's input.
func taskInput(input model.TaskInput) tasks.Input {
	in := tasks.Input{BatchID: input.BatchID, InitiatorID: input.InitiatorID, Name: input.Name,
		WindowStart: input.WindowStart, WindowEnd: input.WindowEnd, ParticipantIDs: input.ParticipantIDs,
		LibraryIDs: input.LibraryIDs, InspectorIDs: input.InspectorIDs, MethodCodes: input.MethodCodes,
		Scope: input.Scope, StratifyBy: input.StratifyBy, TeamSize: input.TeamSize, ExpertsPerTeam: input.ExpertsPerTeam,
		MaxPerInspector: input.MaxPerInspector, RotationMonths: input.RotationMonths, RecentMonths: input.RecentMonths,
		YearlyCap: input.YearlyCap, TargetIDs: input.TargetIDs}
	if input.TargetReason != nil {
		in.TargetReason = *input.TargetReason
	}
	if input.Kind != nil {
		in.Kind = *input.Kind
	}
	if input.Special != nil {
		in.Special = *input.Special
	}
	for _, it := range input.Items {
		in.Items = append(in.Items, tasks.ItemRef{DepartmentID: it.DepartmentID, ItemID: it.ItemID})
	}
	for _, s := range input.Strata {
		st := tasks.Stratum{Name: s.Name}
		if s.RatioPpm != nil {
			st.RatioPPM = int64(*s.RatioPpm)
		}
		if s.Count != nil {
			st.Count = int64(*s.Count)
		}
		in.Strata = append(in.Strata, st)
	}
	return in
}
