package bench

import (
	"bytes"
	"context"
	"strconv"
	"testing"

	"github.com/albkit/alb/albtest"
	"github.com/albkit/alb/bench/contenders/albapp"
)

// TestContenders checks every contender's answer to every workload it
// serves in both modes, as the report does before timing. alb, alb-typed
// and the floor must be right and valid, alb-typed and the floor byte for
// byte alb's answer; the handwritten handler must be right (its one
// deviation is tolerated); the adapters' verdicts are logged.
func TestContenders(t *testing.T) {
	for _, w := range Workloads {
		for _, m := range Modes {
			event := w.Event(m.MultiValue)
			answers := map[string][]byte{}
			for _, c := range Contenders {
				if !c.Serves(w.Name) {
					continue
				}
				out, err := Answer(c.Handler(), event)
				if err != nil {
					t.Errorf("workload=%s/contender=%s/mode=%s: invocation error %v", w.Name, c.Name, m.Name, err)
					continue
				}
				answers[c.Name] = out
				v := Check(w, m.MultiValue, out)
				switch c.Name {
				case "alb", "alb-typed", "floor":
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
			for _, name := range []string{"floor", "alb-typed"} {
				if !ContenderByName(name).Serves(w.Name) {
					continue
				}
				if a, o := answers["alb"], answers[name]; !bytes.Equal(a, o) {
					t.Errorf("workload=%s/mode=%s: %s's bytes differ from alb's:\nalb   %s\n%s %s", w.Name, m.Name, name, a, name, o)
				}
			}
		}
	}
}

// TestPartialContenders checks that the contenders serving only some
// workloads name workloads that exist, and serve at least one.
func TestPartialContenders(t *testing.T) {
	for _, c := range Contenders {
		if c.Workloads == nil {
			continue
		}
		if len(c.Workloads) == 0 {
			t.Errorf("contender=%s serves no workload", c.Name)
		}
		for _, name := range c.Workloads {
			if WorkloadByName(name) == nil {
				t.Errorf("contender=%s: no workload is called %q", c.Name, name)
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
			if !c.Serves(w.Name) {
				continue
			}
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
