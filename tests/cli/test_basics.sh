#!/usr/bin/env bash
# The command line: help, version, exit codes, and what bad input does
# (a clear message naming file, line and JSON path; exit 2; no output file
# written, an existing one untouched).
source "$(dirname "$0")/lib.sh"

expect_exit 0 "--version" "$REGSIM" --version
check "--version prints the version" grep -q "^regsim [0-9]" "$TMP/out"
expect_exit 0 "--help" "$REGSIM" --help
for c in run validate describe inspect; do
  expect_exit 0 "$c --help" "$REGSIM" $c --help
  check "$c --help prints usage" grep -q "usage: regsim $c" "$TMP/out"
done
expect_exit 2 "no command" "$REGSIM"
expect_exit 2 "unknown command" "$REGSIM" rnu
check "unknown command suggests run" grep -q "did you mean 'run'" "$TMP/err"
expect_exit 2 "unknown option" "$REGSIM" run --bogus "$ROOT/tests/data/small.json"
expect_exit 2 "bad --threads" "$REGSIM" run -t zero "$ROOT/tests/data/small.json"
expect_exit 2 "--resume with --force" "$REGSIM" run --resume --force "$ROOT/tests/data/small.json"

# describe lists every parameter with default, unit and range
expect_exit 0 "describe" "$REGSIM" describe
check "describe lists trust.learning_rate" grep -q "^trust.learning_rate .*1/month .*\[0, 1\]" "$TMP/out"
expect_exit 0 "describe --markdown" "$REGSIM" describe --markdown
check "markdown table" grep -q "^| \`trust.learning_rate\` |" "$TMP/out"

# validate
for f in "$ROOT"/scenarios/*.json "$ROOT"/tests/data/*.json; do
  expect_exit 0 "validate $(basename "$f")" "$REGSIM" validate "$f"
done

# malformed JSON: exit 2, file:line and JSON path named, nothing written
printf '{\n  "name": "bad",\n  "seed": 3,,\n  "region": {}\n}\n' > "$TMP/bad.json"
expect_exit 2 "malformed scenario" "$REGSIM" run "$TMP/bad.json" -o "$TMP/bad.h5"
check "message names file and line" grep -q "bad.json:3: \\$: malformed JSON" "$TMP/err"
check "no output file for a malformed scenario" test ! -e "$TMP/bad.h5"

# invalid value: exit 2, path and allowed range named; an existing file is untouched
sed 's/"seed": 11/"seed": 11, "parameters": {"trust": {"learning_rate": 7}}/' "$ROOT/tests/data/small.json" > "$TMP/range.json"
echo "precious" > "$TMP/keep.h5"
sum=$(md5sum < "$TMP/keep.h5")
expect_exit 2 "out-of-range parameter" "$REGSIM" run "$TMP/range.json" -o "$TMP/keep.h5" --force
check "message names the JSON path and range" grep -q '\$.parameters.trust.learning_rate: .*allowed 0 to 1' "$TMP/err"
check "existing file untouched by an invalid scenario" test "$(md5sum < "$TMP/keep.h5")" = "$sum"

# unknown key: nearest valid name
sed 's/"horizon_months"/"horizon_month"/' "$ROOT/tests/data/small.json" > "$TMP/typo.json"
expect_exit 2 "unknown key" "$REGSIM" validate "$TMP/typo.json"
check "suggests horizon_months" grep -q 'did you mean "horizon_months"' "$TMP/err"

# an existing file is never overwritten without --force
expect_exit 2 "refuses a foreign file" "$REGSIM" run "$ROOT/tests/data/small.json" -o "$TMP/keep.h5" -q
check "foreign file message" grep -q "not a regsim results file" "$TMP/err"
check "foreign file untouched" test "$(md5sum < "$TMP/keep.h5")" = "$sum"
expect_exit 0 "first run" "$REGSIM" run "$ROOT/tests/data/small.json" -o "$TMP/r.h5" -q
sum=$(md5sum < "$TMP/r.h5")
expect_exit 2 "refuses to overwrite results" "$REGSIM" run "$ROOT/tests/data/small.json" -o "$TMP/r.h5" -q
check "results untouched" test "$(md5sum < "$TMP/r.h5")" = "$sum"
check "message offers --resume and --force" grep -q -- "--resume.*--force" "$TMP/err"
expect_exit 0 "--force overwrites" "$REGSIM" run "$ROOT/tests/data/small.json" -o "$TMP/r.h5" -q --force

# output directory missing or not writable: exit 1 with the reason
expect_exit 1 "missing directory" "$REGSIM" run "$ROOT/tests/data/small.json" -o "$TMP/nodir/r.h5" -q
check "names the directory" grep -q "does not exist" "$TMP/err"

# inspect
expect_exit 0 "inspect" "$REGSIM" inspect "$TMP/r.h5"
check "inspect shows completion" grep -q "runs: 8 of 8 written (complete)" "$TMP/out"
check "inspect lists a series with units" grep -q "/net_value .*8 x 36 .*EUR/month" "$TMP/out"
expect_exit 2 "inspect a non-HDF5 file" "$REGSIM" inspect "$TMP/bad.json"
diff <("$REGSIM" describe --markdown) "$ROOT/docs/parameters.md" > "$TMP/pdiff" && ok || fail "docs/parameters.md is stale: regenerate with regsim describe --markdown > docs/parameters.md"
finish
