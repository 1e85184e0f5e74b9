#!/bin/bash
# Paired whole-command timings of `gfcheck verify --profile quick`, two checkouts interleaved in one run
# (docs/performance.md): the built-in example twice per side, then one census problem per side.
#   benchmarks/paired_verify.sh OLD_CHECKOUT NEW_CHECKOUT [PROBLEM]
# Each checkout has its own .venv with gfcheck installed (pip install -e .).
set -u
old=$1 new=$2
problem=${3:-$(ls "$new"/benchmarks/census/problems/0074-*.problem.json)}
out=$(mktemp -d)
verdicts() { python3 -c "import json,sys,collections;d=json.load(open(sys.argv[1]));print(dict(collections.Counter(c['verdict'] for c in d['claims'])))" "$1"; }
run() {  # side, checkout, label, extra arguments
  local s e
  s=$(date +%s.%N)
  (cd "$2" && .venv/bin/gfcheck verify --profile quick --out "$out/$1" -q "${@:4}" > /dev/null 2>&1)
  e=$(date +%s.%N)
  echo "$3 $1 $(echo "$e - $s" | bc) s $(verdicts "$out/$1/report.json")"
}
for rep in 1 2; do
  run old "$old" "default rep$rep"
  run new "$new" "default rep$rep"
done
run old "$old" "$(basename "$problem")" --problem "$problem" --max-time 300
run new "$new" "$(basename "$problem")" --problem "$problem" --max-time 300
rm -rf "$out"
