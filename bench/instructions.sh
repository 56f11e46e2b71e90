#!/bin/bash
# instructions.sh counts the CPU instructions one invocation of a contender
# costs, with valgrind's callgrind: a figure that, unlike ns/op, does not
# move when other processes share the machine. Only the instructions run
# inside lambda.NewHandler's Invoke (what Loop times) are counted, not the
# runtime's other threads. For each case it runs the benchmark for n1 and
# then n2 iterations and divides the difference of the two totals by n2-n1,
# which cancels the benchmark's first, single iteration. The garbage
# collector is off (GOGC=off): how many of its cycles fall in a run, and
# how much marking they ask of the allocating code, varies from run to run;
# what allocating costs (mallocgc) is counted, collecting it is not, and
# allocs/op and B/op from go test -bench say how much there is to collect.
#
#	cd bench && ./instructions.sh order:alb:single order:alb-typed:single
#
# Each case is workload:contender:mode[:n1:n2] (default 1000:6000). Needs
# valgrind (apt-get install valgrind). Prints "workload contender mode
# instructions/op".
set -euo pipefail
cd "$(dirname "$0")"
bin=$(mktemp)
trap 'rm -f "$bin"' EXIT
go test -c -o "$bin" .
for spec in "$@"; do
	IFS=: read -r wl c m n1 n2 <<<"$spec"
	n1=${n1:-1000} n2=${n2:-6000}
	total() {
		# Go's asynchronous preemption signals trip callgrind; turn them off.
		GOGC=off GODEBUG=asyncpreemptoff=1 valgrind --tool=callgrind --callgrind-out-file=/dev/null \
			--toggle-collect='github.com/aws/aws-lambda-go/lambda.handlerFunc.Invoke' "$bin" \
			-test.run '^$' -test.bench "^BenchmarkContenders\$/^workload=$wl\$/^contender=$c\$/^mode=$m\$" \
			-test.benchtime "${1}x" 2>&1 | awk '/Collected/ {print $4}'
	}
	a=$(total "$n1")
	b=$(total "$n2")
	echo "$wl $c $m $(((b - a) / (n2 - n1)))"
done
