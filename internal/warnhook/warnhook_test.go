package warnhook

import (
	"context"
	"log/slog"
	"testing"
)

func TestReport(t *testing.T) {
	var got []string
	ctx := With(context.Background(), func(msg string, attrs []slog.Attr) {
		for _, a := range attrs {
			msg += " " + a.String()
		}
		got = append(got, msg)
	})
	Report(ctx, "first", slog.Int("n", 1))
	Report(context.WithValue(ctx, contextKey{"other"}, 1), "second") // a derived context keeps the hook
	Report(With(ctx, nil), "removed")
	Report(context.Background(), "no hook")
	//lint:ignore SA1012 a nil context must be safe
	Report(nil, "nil context")
	if len(got) != 2 || got[0] != "first n=1" || got[1] != "second" {
		t.Errorf("hook received %q, want [\"first n=1\" \"second\"]", got)
	}
}

func TestReportWithoutHookAllocatesNothing(t *testing.T) {
	if raceEnabled || testing.Short() {
		t.Skip("allocation budgets are not asserted under -race or -short")
	}
	ctx := context.WithValue(context.Background(), contextKey{"other"}, 1)
	if allocs := testing.AllocsPerRun(100, func() { Report(ctx, "msg") }); allocs != 0 {
		t.Errorf("Report without a hook: %v allocations, want 0", allocs)
	}
}
