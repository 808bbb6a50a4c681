#!/usr/bin/python3
"""Builds docs/errors.md: every error message regsim can print, with its
exit status, cause and fix.

Messages are collected from the source (rs_error_set, FAIL, H5FAIL,
usage_error and fail calls in engine/ and models/); each must match one of
the RULES below, which give the cause and the fix. A message that matches no
rule makes `--check` fail, so a new message cannot go undocumented.

usage: tools/errors_catalogue.py            print docs/errors.md
       tools/errors_catalogue.py --check    exit 1 if docs/errors.md is stale
                                            or a message has no rule
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# (section, regex on the message format, exit status, cause, fix)
RULES = [
    ("Command line", r"expected one|--threads|exclude each other|unknown option|unknown argument|expected a whole number", 2, "The command line is wrong.", "See `regsim COMMAND --help`."),
    ("Resuming", r"^--resume:", 2, "`--resume` was given a path with no results file, a damaged or foreign file, or a file made from another scenario.", "Resume with the same scenario and the file it made; start anew with `--force` if the file cannot be used."),
    ("Reading results", r"run counters|not a readable HDF5|cannot open|no series|values, expected|cannot read|no month dimension|no /design|/design lacks|cannot list|cannot reopen|^%s: %s$", 2, "`regsim inspect`, `export` or a summary was given a file that is not a readable results file.", "Give a results file written by `regsim run`."),
    ("Scenario files", r"malformed JSON", 2, "The file is not valid JSON (a missing or extra comma, quote or bracket).", "Fix the JSON at the line and column named; any JSON validator shows the same spot."),
    ("Scenario files", r"unknown key|unknown parameter|unknown service domain|unknown event kind|unknown command", 2, "A name that regsim does not know, usually a typo.", "Use the suggested name; `regsim describe` lists parameters, domains and event kinds."),
    ("Scenario files", r"expected (an?|one|exactly|true|a whole|a number|a municipality|a partnership|a pair|a member|at least|a non-empty|the columns|two|EUR)|found %s|missing", 2, "A value of the wrong type or shape at that JSON path.", "Give what the message says is expected (docs/scenarios.md shows every key)."),
    ("Scenario files", r"out of range|allowed %g|from 1 to|choice %g|is not allowed|whole number", 2, "A number outside the parameter's allowed range, or a choice that does not exist.", "Use a value in the range shown; `regsim describe` lists ranges and choices."),
    ("Scenario files", r"is not a municipality|not a member|appears twice|listed twice|used twice|no partnership named|matches no municipality|needs at least", 2, "A name that does not refer to what it should (a municipality outside the region, a duplicate).", "Use the nearest name suggested, or fix the region selection."),
    ("Scenario files", r"event needs|fund_open: value", 2, "A scheduled event lacks what its kind needs (a partnership, a municipality or a value).", "Add it to the event; docs/model.md lists what each kind needs."),
    ("Scenario files", r"expected %s in|expected \\\"", 2, "A value outside what is allowed at that JSON path.", "Use one of the values the message lists."),
    ("Scenario files", r"write parameters nested", 2, "A parameter was written flat (`\"trust.base\": 1`).", "Nest it: `\"trust\": {\"base\": 1}`."),
    ("Scenario files", r"cannot open|read error|not a text file|empty CSV|header must|fields as in the header|population \\\"|budget_per_capita \\\"|two fields|header with two", 2, "A region or neighbours CSV (or the scenario) cannot be read, or a line of it is malformed.", "Check the path (relative to the scenario file) and the line named."),
    ("Experiments", r"distribution|parameter sets|levels|lo < hi|loguniform|design|factor|points|as in the header|column %d", 2, "The experiment block (factors and design) is inconsistent.", "See docs/scenarios.md, section Experiments; the message names the factor and what is allowed."),
    ("Output files", r"exists here|is a directory|not a regsim results file|refusing to overwrite", 2, "The output path already holds a file (results or not) and neither --force nor --resume was given.", "Choose another path, `--resume` to finish a results file, or `--force` to overwrite."),
    ("Output files", r"does not exist|not a directory|not writable|cannot create the results file|cannot create( directory)? %s|cannot rename|cannot remove stale", 1, "The output directory is missing or not writable.", "Create the directory, or write somewhere you may write."),
    ("Output files", r"file-size limit|disk is full|stopped|cannot commit", 1, "The disk is full or the file-size limit (`ulimit -f`) is reached. regsim checks before each write and stops; every committed run is kept.", "Make room, then run the same command with `--resume`."),
    ("Output files", r"cannot write|cannot rebuild|error closing|cannot trim|file layout|attributes|dimensions|cannot create series|cannot create municipality", 1, "Writing the HDF5 file failed (I/O error).", "Check the disk and the file system; then `--resume`."),
    ("Runs", r"interrupted", 1, "SIGINT or SIGTERM stopped the batch; every finished run is in the file.", "Run the same command with `--resume`."),
    ("Runs", r"series %s is %g|not finite|invariant|month %d", 1, "A model invariant broke in a run (a value became NaN or infinite): a bug in the model for this input. The run index and month are in the message.", "Report it with the scenario; the runs before it are kept."),
    ("Runs", r"out of memory", 1, "An allocation failed.", "Use fewer threads (each holds one world), fewer municipality series, or a machine with more memory."),
    ("Internal", r"no parameter %zu", 1, "A bug in regsim.", "Report it."),
]

CALL = re.compile(r'(?:\brs_error_set\([^";{]*|\bFAIL\([^";{]*|\bH5FAIL\([^";{]*|\busage_error\("[a-z]+",\s*|\bfail\([A-Z_]+,\s*)"((?:[^"\\]|\\.)*)"(?:\s*"((?:[^"\\]|\\.)*)")*', re.S)


def messages():
    out = {}
    for d in ("engine", "models"):
        for fn in sorted(os.listdir(os.path.join(ROOT, d))):
            if not fn.endswith(".c"):
                continue
            text = open(os.path.join(ROOT, d, fn)).read()
            for m in CALL.finditer(text):
                # join adjacent string literals
                lits = re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(0))
                if m.group(0).startswith("usage_error"):
                    lits = lits[1:]
                # a literal JSON path argument comes before the message
                while lits and lits[0].startswith("$"):
                    lits = lits[1:]
                msg = "".join(lits)
                if not msg or msg == "%s":
                    continue
                out.setdefault(msg, set()).add(f"{d}/{fn}")
    return out


def classify(msg):
    for i, (section, rx, code, cause, fix) in enumerate(RULES):
        if re.search(rx, msg):
            return i
    return None


def render(msgs):
    lines = ["# Errors", "",
             "Every error message regsim prints, with its exit status, cause and fix. Messages",
             "name the file, the line (for malformed JSON), the JSON path and what was expected;",
             "`%s`, `%d`, `%g` stand for the values filled in. Exit status: 0 success, 2 bad input",
             "or usage, 1 any other failure. No error ever loses a finished run: the results file",
             "holds every committed run and `--resume` finishes it.", "",
             "Generated by `tools/errors_catalogue.py` from the source; the test suite checks that",
             "every message in the code is here.", ""]
    groups = {}
    for msg, files in msgs.items():
        groups.setdefault(classify(msg), []).append((msg, files))
    sections = ["Command line", "Scenario files", "Experiments", "Output files", "Resuming", "Runs",
                "Reading results", "Internal"]
    for section in sections:
        lines += [f"## {section}", ""]
        for i, (sec, rx, code, cause, fix) in enumerate(RULES):
            if sec != section or i not in groups:
                continue
            lines += [f"**Exit {code}. Cause:** {cause} **Fix:** {fix}", ""]
            for msg, files in sorted(groups[i]):
                shown = msg.replace("\\\"", "\"").replace("\\n", " ").replace("|", "\\|")
                lines.append(f"- `{shown}` ({', '.join(sorted(files))})")
            lines.append("")
    lines += ["## Upstream", "",
              "libhdf5 1.10 leaks a little memory on some error paths when it reads a malformed",
              "file (found by `tests/fuzz/fuzz_resume.c`); the resume fuzzer suppresses leaks",
              "inside libhdf5 only (`tests/fuzz/lsan.supp`). regsim itself refuses such files",
              "with the `--resume` messages above.", ""]
    return "\n".join(lines)


def main():
    msgs = messages()
    missing = [m for m in msgs if classify(m) is None]
    doc = render(msgs)
    if "--check" in sys.argv:
        ok = True
        for m in missing:
            print(f"no rule for message: {m!r} ({', '.join(sorted(msgs[m]))})")
            ok = False
        path = os.path.join(ROOT, "docs", "errors.md")
        if not os.path.exists(path) or open(path).read() != doc + "\n":
            print("docs/errors.md is stale: run tools/errors_catalogue.py > docs/errors.md")
            ok = False
        print(f"{len(msgs) - len(missing)} passed, {len(missing) + (0 if ok or missing else 1)} failed")
        return 0 if ok else 1
    for m in missing:
        print(f"no rule for message: {m!r}", file=sys.stderr)
    print(doc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
