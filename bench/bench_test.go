package bench

import (
	"bytes"
	"context"
	"strconv"
	"testing"

	"github.com/albkit/alb/albtest"
	"github.com/albkit/alb/bench/contenders/albapp"
)

// TestContenders checks every contender's answer to every workload in both
// modes, as the report does before timing. alb and the floor must be right
// and valid, the floor byte for byte alb's answer; the handwritten handler
// must be right (its one deviation is tolerated); the adapters' verdicts
// are logged.
func TestContenders(t *testing.T) {
	for _, w := range Workloads {
		for _, m := range Modes {
			event := w.Event(m.MultiValue)
			answers := map[string][]byte{}
			for _, c := range Contenders {
				out, err := Answer(c.Handler(), event)
				if err != nil {
					t.Errorf("workload=%s/contender=%s/mode=%s: invocation error %v", w.Name, c.Name, m.Name, err)
					continue
				}
				answers[c.Name] = out
				v := Check(w, m.MultiValue, out)
				switch c.Name {
				case "alb", "floor":
					if len(v.Wrong)+len(v.Tolerated) > 0 {
						t.Errorf("workload=%s/contender=%s/mode=%s: %s\n%s", w.Name, c.Name, m.Name, v, out)
					}
				case "handwritten":
					if !v.OK() {
						t.Errorf("workload=%s/contender=%s/mode=%s: %s\n%s", w.Name, c.Name, m.Name, v, out)
					}
				}
				t.Logf("workload=%s/contender=%s/mode=%s: %s %s", w.Name, c.Name, m.Name, v.Mark(), v)
			}
			if a, f := answers["alb"], answers["floor"]; !bytes.Equal(a, f) {
				t.Errorf("workload=%s/mode=%s: the floor's bytes differ from alb's:\nalb   %s\nfloor %s", w.Name, m.Name, a, f)
			}
		}
	}
}

// BenchmarkContenders times every contender on every workload in both
// modes, called as lambda.Start calls it:
//
//	go test -run '^$' -bench Contenders -benchtime 300ms
//
// Names pivot with benchstat: workload=x/contender=y/mode=z.
func BenchmarkContenders(b *testing.B) {
	for _, w := range Workloads {
		for _, c := range Contenders {
			for _, m := range Modes {
				b.Run("workload="+w.Name+"/contender="+c.Name+"/mode="+m.Name, func(b *testing.B) {
					Loop(b, c.Handler(), w.Event(m.MultiValue))
				})
			}
		}
	}
}

// TestGrowthCases checks that every growth case answers 200 with a
// response the ALB accepts.
func TestGrowthCases(t *testing.T) {
	for _, s := range GrowthSeries {
		for _, x := range s.X {
			r, event := s.Case(x)
			out, err := Answer(r, event)
			if err != nil {
				t.Fatal(err)
			}
			if err := albtest.Validate(out, s.Mode); err != nil || !bytes.HasPrefix(out, []byte(`{"statusCode":200,`)) {
				t.Errorf("series=%s/n=%d: %v: %.300s", s.Name, x, err, out)
			}
		}
	}
}

// BenchmarkGrowth times alb's Invoke, called directly, against the size of
// the work:
//
//	go test -run '^$' -bench Growth -benchtime 300ms
func BenchmarkGrowth(b *testing.B) {
	for _, s := range GrowthSeries {
		for _, x := range s.X {
			b.Run("series="+s.Name+"/n="+strconv.Itoa(x)+"/mode="+ModeName(s.Mode), func(b *testing.B) {
				r, event := s.Case(x)
				Loop(b, r, event)
			})
		}
	}
}

// BenchmarkPoolHistory times alb on a response on a fresh router, and on
// one that first answered 50,000 small responses, which calibrates alb's
// response buffer pool to small buffers. Run each case in its own process
// (the pool is per process), as the report does:
//
//	go test -run '^$' -bench 'PoolHistory/response=logo/history=fresh'
func BenchmarkPoolHistory(b *testing.B) {
	for _, rc := range PoolHistoryCases {
		for _, warm := range []bool{false, true} {
			b.Run("response="+rc.Name+"/history="+HistoryName(warm), func(b *testing.B) {
				r, small, event := PoolHistory(rc)
				if warm {
					for range 50_000 {
						_, _ = r.Invoke(context.Background(), small)
					}
				}
				Loop(b, r, event)
			})
		}
	}
}

// BenchmarkAlbDirect times alb's Invoke called directly, without
// lambda.NewHandler's layer, on the contender workloads.
func BenchmarkAlbDirect(b *testing.B) {
	for _, w := range Workloads {
		for _, m := range Modes {
			b.Run("workload="+w.Name+"/mode="+m.Name, func(b *testing.B) {
				Loop(b, albapp.New(), w.Event(m.MultiValue))
			})
		}
	}
}
