#!/usr/bin/env bash
# The same scenario and seed give bit-identical data for any thread count
# and on every invocation; another seed gives other data.
source "$(dirname "$0")/lib.sh"
S="$ROOT/scenarios/drechtsteden.json"
expect_exit 0 "1 thread" "$REGSIM" run "$S" -o "$TMP/t1.h5" -q --threads 1
expect_exit 0 "2 threads" "$REGSIM" run "$S" -o "$TMP/t2.h5" -q --threads 2
expect_exit 0 "3 threads" "$REGSIM" run "$S" -o "$TMP/t3.h5" -q --threads 3
expect_exit 0 "2 threads again" "$REGSIM" run "$S" -o "$TMP/t2b.h5" -q --threads 2
check "1 vs 2 threads identical" same_data "$TMP/t1.h5" "$TMP/t2.h5"
check "1 vs 3 threads identical" same_data "$TMP/t1.h5" "$TMP/t3.h5"
check "repeated invocation identical" same_data "$TMP/t2.h5" "$TMP/t2b.h5"
sed 's/"seed": 2026/"seed": 2027/' "$S" > "$TMP/other.json"
sed -i 's#"data/#"'"$ROOT"'/scenarios/data/#g' "$TMP/other.json"
expect_exit 0 "other seed" "$REGSIM" run "$TMP/other.json" -o "$TMP/o.h5" -q
check "another seed changes the data" bash -c "! h5diff -q '$TMP/t1.h5' '$TMP/o.h5' /net_value /net_value"
# many short runs on more threads than cores stress the in-order writer
sed 's/"replications": 4/"replications": 3000/; s/"horizon_months": 36/"horizon_months": 6/' "$ROOT/tests/data/small.json" > "$TMP/many.json"
expect_exit 0 "many runs, 1 thread" "$REGSIM" run "$TMP/many.json" -o "$TMP/m1.h5" -q -t 1
expect_exit 0 "many runs, 5 threads" "$REGSIM" run "$TMP/many.json" -o "$TMP/m5.h5" -q -t 5
check "many runs: 1 vs 5 threads identical" same_data "$TMP/m1.h5" "$TMP/m5.h5"
finish
