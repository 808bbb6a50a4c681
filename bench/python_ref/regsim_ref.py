#!/usr/bin/env python3
"""regsim_ref.py - a straightforward pure-Python reference implementation of
the regsim cooperation model (docs/model.md; C code in models/*.c).

It exists for one purpose: the performance issue asks that the C program be,
per run, at least 100 times faster than "a straightforward Python
implementation of the same model". This is that implementation. It is
written the way a modeller would write the model first: plain classes for
municipalities, partnerships, membership slots and carriers, a list of
lists for the trust matrix, one function per mechanism, run each month in
the order of models/model.c (calendar, keypeople, pooledfund, production,
attention, fairness, kpi, trust, membership, budget, then observe). Only the
standard library is used (no numpy).

It implements the same rules, equations and parameter defaults as the C
model, and the same algorithms where the C code chose one on purpose (lazy
closed-form drift of unused trust, 7.8; partnership generator, 6.3, which is
ported bit for bit so that the generated network is identical). Random
numbers come from Python's random.Random, one stream per mechanism and
replicate (as in the C code), so single runs differ from the C runs; the
model is the same in distribution, which bench/python_ref/check.py tests.

Not implemented (not needed for the comparison): the per-municipality
series (muni_*), the event log, the invariant checks, variants other than
the first (or the only) one, and designed experiments.

usage:
  /usr/bin/python3 bench/python_ref/regsim_ref.py SCENARIO.json --runs N
        [--months M] [--first-replicate R] [-o out.json] [-q]

Runs replicates R..R+N-1 of the scenario's first variant (top-level
"parameters" plus the first entry of "variants", if any) and writes every
run series (the 36 of models/model.c) as JSON: {"series": {name: [[month 1..M]
per run]}, ...}. Prints seconds per run.
"""
import argparse
import csv
import json
import math
import os
import random
import sys
import time

# --------------------------------------------------------------------------
# Structural constants (docs/model.md 7.0)

ND = 10                 # service domains
REF_POP = 30000.0       # reference population for attention capacity
FORMING_MONTHS = 3      # months a new partnership forms

# name, cmin (EUR/inh/yr), optimum scale, curvature a_d, prevalence (generator)
DOMAINS = [
    ("ict", 60.0, 100000.0, 0.08, 0.14),
    ("tax", 25.0, 460000.0, 0.06, 0.08),
    ("social", 110.0, 60000.0, 0.03, 0.18),
    ("waste", 130.0, 50000.0, 0.04, 0.10),
    ("permits", 45.0, 100000.0, 0.05, 0.10),
    ("roads", 150.0, 20000.0, 0.03, 0.06),
    ("civil_affairs", 35.0, 50000.0, 0.04, 0.06),
    ("administration", 120.0, 50000.0, 0.05, 0.12),
    ("fire", 55.0, 150000.0, 0.03, 0.08),
    ("health", 30.0, 250000.0, 0.03, 0.08),
]
DOMAIN_NAMES = [d[0] for d in DOMAINS]

# life cycle of a partnership (2.2)
PLANNED, FORMING, FUNDING, ACTIVE, COOLING, DISSOLVED, FAILED = range(7)


def is_live(st):
    return FORMING <= st <= COOLING


def is_prod(st):
    return st == ACTIVE or st == COOLING


# cooperation types, fund states, fund kinds
UNCONDITIONAL, CONDITIONAL, FREE_RIDER = range(3)
FS_NONE, FS_PLEDGED, FS_COMMITTED = range(3)
FUND_NONE, FUND_STARTUP, FUND_PROJECT = range(3)

# mechanisms, in the order they run each month; index = random stream
MECHANISMS = ["calendar", "keypeople", "pooledfund", "production", "attention",
              "fairness", "kpi", "trust", "membership", "budget"]
(MK_CALENDAR, MK_KEYPEOPLE, MK_POOLEDFUND, MK_PRODUCTION, MK_ATTENTION,
 MK_FAIRNESS, MK_KPI, MK_TRUST, MK_MEMBERSHIP, MK_BUDGET) = range(10)

# --------------------------------------------------------------------------
# Parameters: name, kind, default, choices (the rs_param_def tables of
# models/*.c, in registry order)

PARAMETERS = [
    ("calendar.decision_interval", "int", 3, None),
    ("calendar.stagger", "bool", True, None),
    ("calendar.election_interval", "int", 48, None),
    ("calendar.first_election", "int", 15, None),
    ("calendar.priority_shift", "real", 0.3, None),
    ("calendar.scheduled_events", "bool", True, None),
    ("keypeople.carriers", "int", 1, None),
    ("keypeople.institutionalisation", "real", 0.3, None),
    ("keypeople.succession_delay", "int", 6, None),
    ("keypeople.staff_hazard", "real", 0.06, None),
    ("keypeople.age_mean", "real", 47.0, None),
    ("keypeople.alderman_share", "real", 0.5, None),
    ("keypeople.election_turnover", "real", 0.5, None),
    ("keypeople.rc_initial", "real", 0.5, None),
    ("keypeople.rc_loss", "real", 0.6, None),
    ("keypeople.trust_loss", "real", 0.3, None),
    ("keypeople.vacancy_penalty", "real", 0.5, None),
    ("keypeople.rc_rate", "real", 0.05, None),
    ("pooledfund.rule", "enum", "sequential_waiting",
     ["sequential_waiting", "lead_commits_first", "assurance_pledges", "synchronised_decisions"]),
    ("pooledfund.cofunder_share", "real", 0.0, None),
    ("pooledfund.startup_fund", "bool", True, None),
    ("pooledfund.project_cost", "real", 12.0, None),
    ("pooledfund.project_gain", "real", 0.2, None),
    ("pooledfund.deadline", "int", 12, None),
    ("pooledfund.conditional_share", "real", 0.5, None),
    ("pooledfund.free_rider_share", "real", 0.3, None),
    ("pooledfund.conditional_threshold", "real", 0.5, None),
    ("pooledfund.trust_effect", "real", 1.0, None),
    ("pooledfund.lag_trust_loss", "real", 0.05, None),
    ("production.curvature", "real", 1.0, None),
    ("production.diseconomy", "real", 0.0, None),
    ("production.tc_rate", "real", 0.005, None),
    ("production.hub_pair_share", "real", 0.05, None),
    ("production.fixed_cost", "real", 350.0, None),
    ("production.formality_drag", "real", 0.3, None),
    ("production.ramp_months", "int", 12, None),
    ("production.quality_rate", "real", 0.03, None),
    ("production.willing_share", "real", 0.54, None),
    ("production.unwilling_penalty", "real", 0.2, None),
    ("attention.capacity_base", "real", 12.0, None),
    ("attention.capacity_elasticity", "real", 0.6, None),
    ("attention.lead_need", "real", 2.0, None),
    ("attention.formality_size", "real", 0.15, None),
    ("attention.formality_thin", "real", 0.6, None),
    ("attention.formality_rate", "real", 0.05, None),
    ("attention.board_formality", "real", 0.3, None),
    ("fairness.governance", "enum", "largest",
     ["largest", "named", "shared_commissioning", "unanimity_board", "population_weighted"]),
    ("fairness.lead", "muni", None, None),
    ("fairness.lead_voice", "real", 0.4, None),
    ("fairness.sharing_key", "enum", "contribution", ["population", "equal", "contribution"]),
    ("fairness.voice_weight", "real", 0.5, None),
    ("fairness.success_weight", "real", 0.5, None),
    ("fairness.autonomy_mean", "real", 0.5, None),
    ("fairness.autonomy_weight", "real", 0.3, None),
    ("fairness.small_ratio", "real", 0.5, None),
    ("kpi.rule", "enum", "free_growth", ["free_growth", "cap", "steer_only"]),
    ("kpi.cap", "int", 15, None),
    ("kpi.existing_data_share", "real", 0.2, None),
    ("kpi.existing_data_cost", "real", 0.25, None),
    ("kpi.joint_evaluation_interval", "int", 24, None),
    ("kpi.joint_evaluation_share", "real", 0.41, None),
    ("kpi.initial", "int", 5, None),
    ("kpi.useful", "int", 5, None),
    ("kpi.cost_share", "real", 0.0005, None),
    ("kpi.steer_gain", "real", 0.05, None),
    ("kpi.trust_threshold", "real", 0.55, None),
    ("kpi.demand_rate", "real", 12.0, None),
    ("trust.initial", "real", 0.5, None),
    ("trust.neighbour_bonus", "real", 0.1, None),
    ("trust.base", "real", 0.5, None),
    ("trust.learning_rate", "real", 0.05, None),
    ("trust.drift", "real", 0.01, None),
    ("trust.reputation_recovery", "real", 0.01, None),
    ("membership.planning_horizon", "int", 36, None),
    ("membership.exit_threshold", "real", 0.35, None),
    ("membership.exit_reviews", "int", 3, None),
    ("membership.exit_payment_years", "real", 3.0, None),
    ("membership.exit_reputation_loss", "real", 0.2, None),
    ("membership.exit_trust_loss", "real", 0.15, None),
    ("membership.reputation_value", "real", 1.0, None),
    ("membership.cooling_threshold", "real", 0.4, None),
    ("membership.cooling_max", "int", 24, None),
    ("membership.orphan_capital", "real", 0.35, None),
    ("membership.orphan_hazard", "real", 0.1, None),
    ("membership.proposal_rate", "real", 0.01, None),
    ("membership.initiative_mean", "real", 0.2, None),
    ("membership.invite_trust", "real", 0.6, None),
    ("membership.max_new", "int", 200, None),
    ("budget.per_capita", "real", 3550.0, None),
    ("budget.per_capita_spread", "real", 350.0, None),
    ("budget.initial_reserve", "real", 0.25, None),
    ("budget.growth", "real", 0.0, None),
    ("budget.autonomy_gain", "real", 1.0, None),
    ("budget.skill_mean", "real", 0.4, None),
    ("budget.skill_gain", "real", 0.02, None),
]

# Output series per run and month (7.12), in the order of models/model.c.
SERIES = [
    "active_partnerships", "funding_partnerships", "cooling_partnerships",
    "dissolved_partnerships", "formed_partnerships", "members", "mean_memberships",
    "mean_trust", "relational_capital_mean", "formality_mean", "attention_mean",
    "cost_alone", "gross_savings", "transaction_costs", "kpi_overhead", "net_value",
    "quality_value", "savings_rate", "savings_rate_tax", "spending_change", "kpi_count",
    "kpi_mean", "funds_waiting", "fund_wait_mean", "projects_funded", "projects_failed",
    "fund_wait_funded_mean", "exits", "keyperson_departures", "vacancies",
    "gini_net_benefit", "satisfaction_mean", "satisfaction_small", "success_share",
    "success_few", "success_many",
]

SCHED_KINDS = ["keyperson_leaves", "member_exit", "kpi_cap", "election", "budget_change",
               "fund_open", "joint_evaluation"]


def clamp(x, a, b):
    return a if x < a else b if x > b else x


def logistic(x):
    # 1 / (1 + exp(-x)) without overflow for very negative x
    if x < -700:
        return 0.0
    return 1.0 / (1.0 + math.exp(-x))


def c_round(x):
    """C round()/lround(): half away from zero."""
    return int(math.floor(x + 0.5)) if x >= 0 else -int(math.floor(-x + 0.5))


# --------------------------------------------------------------------------
# Random draws (GSL equivalents; not the same numbers as the C program)

def draw_dirichlet(rng, alpha=2.0, k=ND):
    g = [rng.gammavariate(alpha, 1.0) for _ in range(k)]
    s = 0.0
    for x in g:
        s += x
    return [x / s for x in g]


def draw_beta_mean(rng, m):
    """Beta(4 m, 4 (1 - m)) (concentration 4, 7.0)."""
    if m <= 0:
        return 0.0
    if m >= 1:
        return 1.0
    return rng.betavariate(4 * m, 4 * (1 - m))


def draw_poisson(rng, lam):
    """Knuth's method (means here are at most kpi.demand_rate)."""
    if lam <= 0:
        return 0
    limit = math.exp(-lam)
    k = 0
    p = rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


# --------------------------------------------------------------------------
# Scenario input (the subset of the engine's scenario format that the shipped
# scenarios use; engine/scenario.c)

class Scenario:
    pass


def load_scenario(path):
    with open(path) as f:
        js = json.load(f)
    base_dir = os.path.dirname(os.path.abspath(path))
    sc = Scenario()
    sc.name = js.get("name", "")
    sc.horizon = int(js.get("horizon_months", 120))
    sc.replications = int(js.get("replications", 1))
    sc.seed = int(js.get("seed", 1))
    load_region(sc, js["region"], base_dir)
    parts = js.get("partnerships")
    if isinstance(parts, dict):
        generate_partnerships(sc, parts["generate"])
    else:
        load_partnerships(sc, parts or [])
    # parameters: defaults, top level, first variant
    par = {}
    for name, kind, default, choices in PARAMETERS:
        par[name] = -1 if kind == "muni" and default is None else default
    apply_parameters(sc, par, js.get("parameters") or {})
    variants = js.get("variants") or []
    sc.variant = variants[0].get("name", "baseline") if variants else "baseline"
    if variants:
        apply_parameters(sc, par, variants[0].get("parameters") or {})
    sc.par = par
    load_events(sc, js.get("events") or [])
    # scope of scenario memberships (5.1): 1 / scenario partnerships of the domain holding i
    count = {}
    for ps in sc.partnerships:
        for i in ps["members"]:
            count[(i, ps["domain"])] = count.get((i, ps["domain"]), 0) + 1
    for ps in sc.partnerships:
        ps["scope"] = [1.0 / count[(i, ps["domain"])] for i in ps["members"]]
    return sc


def find_muni(sc, s):
    for i in range(len(sc.names)):
        if sc.names[i] == s or (sc.codes[i] and sc.codes[i] == s):
            return i
    raise ValueError("unknown municipality %r" % s)


def load_region(sc, jr, base_dir):
    sc.names, sc.codes, sc.provinces, sc.population, sc.budget_pc = [], [], [], [], []
    if "municipalities" in jr:
        for m in jr["municipalities"]:
            sc.names.append(m["name"])
            sc.codes.append(m.get("code", ""))
            sc.provinces.append(m.get("province", ""))
            sc.population.append(float(m["population"]))
            sc.budget_pc.append(m.get("budget_per_capita"))
    else:
        sel = jr.get("select") or {}
        names, provs = sel.get("names"), sel.get("provinces")
        with open(os.path.join(base_dir, jr["csv"]), newline="") as f:
            for row in csv.DictReader(f):
                code, name, prov = row.get("code", ""), row["name"], row.get("province", "")
                if names is not None or provs is not None:
                    ok = (names is not None and (name in names or code in names)) or \
                         (provs is not None and prov in provs)
                    if not ok:
                        continue
                sc.names.append(name)
                sc.codes.append(code)
                sc.provinces.append(prov)
                sc.population.append(float(row["population"]))
                b = row.get("budget_per_capita")
                sc.budget_pc.append(float(b) if b else None)
    n = len(sc.names)
    sc.n = n
    # borders (each once, in order of first appearance)
    sc.edges = []
    seen = set()

    def add_edge(a, b):
        if a == b:
            return
        if a > b:
            a, b = b, a
        if (a, b) not in seen:
            seen.add((a, b))
            sc.edges.append((a, b))

    index = {}
    for i in range(n):
        index.setdefault(sc.names[i], i)
        if sc.codes[i]:
            index.setdefault(sc.codes[i], i)
    if "neighbours_csv" in jr:
        with open(os.path.join(base_dir, jr["neighbours_csv"]), newline="") as f:
            rows = csv.reader(f)
            next(rows)
            for row in rows:
                if len(row) != 2:
                    continue
                a, b = index.get(row[0].strip()), index.get(row[1].strip())
                if a is None or b is None:
                    continue  # a border with a municipality outside the region
                add_edge(a, b)
    for pair in jr.get("neighbours", []):
        add_edge(find_muni(sc, pair[0]), find_muni(sc, pair[1]))
    sc.neighbours = [[] for _ in range(n)]
    for a, b in sc.edges:
        sc.neighbours[a].append(b)
        sc.neighbours[b].append(a)


def load_partnerships(sc, items):
    sc.partnerships = []
    for it in items:
        members = it["members"]
        if members == "all":
            members = list(range(sc.n))
        else:
            members = [find_muni(sc, x) for x in members]
        lead = it.get("lead")
        sc.partnerships.append({
            "name": it["name"], "domain": DOMAIN_NAMES.index(it["domain"]), "members": members,
            "lead": find_muni(sc, lead) if lead is not None else -1,
            "start_month": int(it.get("start_month", 0)),
        })


def apply_parameters(sc, par, groups):
    kinds = {name: (kind, choices) for name, kind, _, choices in PARAMETERS}
    for group, values in groups.items():
        for key, v in values.items():
            name = group + "." + key
            if name not in kinds:
                raise ValueError("unknown parameter %s" % name)
            kind, choices = kinds[name]
            if kind == "enum":
                if v not in choices:
                    raise ValueError("%s: %r not in %s" % (name, v, choices))
                par[name] = v
            elif kind == "bool":
                par[name] = bool(v)
            elif kind == "int":
                par[name] = int(v)
            elif kind == "muni":
                par[name] = -1 if v is None else find_muni(sc, v)
            else:
                par[name] = float(v)


def load_events(sc, items):
    names = [ps["name"] for ps in sc.partnerships]
    sc.events = []
    for it in items:
        e = {"month": int(it["month"]), "kind": it["kind"],
             "partnership": names.index(it["partnership"]) if "partnership" in it else -1,
             "municipality": find_muni(sc, it["municipality"]) if "municipality" in it else -1,
             "value": float(it["value"]) if "value" in it else None}
        if e["kind"] not in SCHED_KINDS:
            raise ValueError("unknown event kind %r" % e["kind"])
        sc.events.append(e)
    sc.events.sort(key=lambda e: e["month"])


# --------------------------------------------------------------------------
# Partnership generator (6.3, models/generate.c): deterministic, SplitMix64,
# so the generated network is the same as the C program's.

MASK64 = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.x = seed & MASK64

    def next(self):
        self.x = (self.x + 0x9E3779B97F4A7C15) & MASK64
        z = self.x
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        z ^= z >> 31
        return (z >> 11) * (2.0 ** -53)


def nl_targets(n, rank_of, tmax):
    kq = [0.0, 0.03, 0.57, 0.90, 1.0]
    kt = [4.0, 6.0, 15.0, 40.0, tmax]
    t = [0] * n
    for i in range(n):
        q = (rank_of[i] + 0.5) / n
        s = 0
        while s < 3 and q > kq[s + 1]:
            s += 1
        v = math.exp(math.log(kt[s]) + (math.log(kt[s + 1]) - math.log(kt[s])) * (q - kq[s]) / (kq[s + 1] - kq[s]))
        t[i] = c_round(v)
    return t


def generate_partnerships(sc, opt):
    shape = opt.get("shape", "nl_2020")
    mean = float(opt.get("mean", 31))
    low, high = int(opt.get("low", 10)), int(opt.get("high", 45))
    size_mean, size_max = float(opt.get("size_mean", 5)), int(opt.get("size_max", 30))
    hops, seed = int(opt.get("hops", 3)), int(opt.get("seed", 1))
    n = sc.n
    order = sorted(range(n), key=lambda i: (sc.population[i], i))
    rank_of = [0] * n
    for r, i in enumerate(order):
        rank_of[i] = r
    if shape == "uniform":
        t = [c_round(mean)] * n
    elif shape == "two_bands":
        t = [low if rank_of[i] % 2 == 0 else high for i in range(n)]
    else:
        lo, hi = 40.0, 10000.0
        for _ in range(60):
            mid = (lo + hi) / 2
            t = nl_targets(n, rank_of, mid)
            s = 0.0
            for x in t:
                s += x
            if s / n < mean:
                lo = mid
            else:
                hi = mid
        t = nl_targets(n, rank_of, hi)
    rng = SplitMix64(seed)
    cum, c = [], 0.0
    for d in range(ND):
        c += DOMAINS[d][4]
        cum.append(c)
    sc.partnerships = []
    while True:
        h = 0
        for i in range(1, n):
            if t[i] > t[h]:
                h = i
        if t[h] <= 0:
            break
        u = rng.next()
        m = 2 + int(math.floor(-math.log(1 - u) * (size_mean - 2)))
        m = min(m, size_max)
        u = rng.next()
        d = ND - 1
        for k in range(ND):
            if cum[k] > u:
                d = k
                break
        # hop distances from h, breadth first, up to `hops`
        dist = [-1] * n
        dist[h] = 0
        queue = [h]
        qh = 0
        while qh < len(queue):
            x = queue[qh]
            qh += 1
            if dist[x] >= hops:
                continue
            for y in sc.neighbours[x]:
                if dist[y] < 0:
                    dist[y] = dist[x] + 1
                    queue.append(y)
        hp = sc.provinces[h]
        cand = []
        for j in range(n):
            if j == h or t[j] <= 0:
                continue
            same = hp != "" and sc.provinces[j] == hp
            hop = dist[j] if dist[j] >= 0 else (hops + 1 if same else -1)
            if hop < 0:
                continue
            cand.append((hop, 0 if same else 1, rng.next(), j))
        if not cand:
            t[h] = 0
            continue
        cand.sort()
        k = min(len(cand), m - 1)
        members = sorted([h] + [cand[r][3] for r in range(k)])
        sc.partnerships.append({"name": "gen-%05d" % (len(sc.partnerships) + 1), "domain": d,
                                "members": members, "lead": -1, "start_month": 0})
        for i in members:
            t[i] -= 1


# --------------------------------------------------------------------------
# Agents

class Municipality:
    def __init__(self, i, pop):
        self.i = i
        self.pop = pop
        self.B = self.B0 = self.R = 0.0
        self.pi = [1.0 / ND] * ND
        self.a = self.a0 = self.s = self.l = 0.0
        self.will = False
        self.type = UNCONDITIONAL
        self.rep = 1.0
        self.phi = 0
        self.C = self.L = 0.0
        self.NB = self.money = self.paid = 0.0
        self.sat = 0.5
        self.nmem = 0
        self.dec = False
        self.elec = False
        self.slots = []        # membership slots, in order of creation
        self.neighbours = []
        self.stamp = 0


class Slot:
    """One membership (i, p)."""

    def __init__(self, i, p, z):
        self.i = i
        self.p = p
        self.live = True
        self.low = 0
        self.fs = FS_NONE
        self.z = z
        self.kap = self.sig = 0.0
        self.ad = 1.0
        self.Aip = self.pay = self.NBm = self.NBs = 0.0
        self.succ = 0.5
        self.fair = 1.0
        self.sats = 0.5


class Carrier:
    def __init__(self):
        self.home = -1
        self.alderman = False
        self.age = 0.0
        self.tenure = 0
        self.vacant = False
        self.due = 0
        self.vstart = 0


class Partnership:
    def __init__(self, idx, dom):
        self.idx = idx
        self.dom = dom
        self.slots = []
        self.mp = 0
        self.st = PLANNED
        self.t0 = self.ta = self.tf = 0
        self.lead = self.conv = self.slead = -1
        self.K = 0
        self.kr = "free_growth"
        self.kc = 0
        self.je = False
        self.cm = 0
        self.RC = self.I = self.F = self.u = self.Tm = 0.0
        self.abar = 1.0
        self.A = self.S = self.J = self.Gs = self.Phi = self.G = 0.0
        self.TC = self.KO = self.Q = self.V = self.Vf = 0.0
        self.f_kind = FUND_NONE
        self.f_t0 = 0
        self.f_cost = 0.0
        self.carriers = []


class Flows:
    pass


# --------------------------------------------------------------------------
# The world of one run

class World:
    def __init__(self, sc, replicate, horizon):
        self.sc = sc
        self.par = sc.par
        self.H = horizon
        self.rep_index = replicate
        # one random stream per mechanism (as in the C engine), seeded from
        # (scenario seed, replicate, mechanism)
        self.rng = [random.Random("regsim-ref/%d/%d/%d" % (sc.seed, replicate, k))
                    for k in range(len(MECHANISMS))]
        self.reset()

    # ---------------------------------------------------------------- trust (7.8)
    def trust_get(self, i, j):
        if self.sh[i][j] > 0:
            return self.T[i][j]
        dt = self.month - self.ts[i][j]
        if dt <= 0:
            return self.T[i][j]
        if dt > self.H:
            dt = self.H
        return self.tbase + (self.T[i][j] - self.tbase) * self.keep_pow[dt]

    def trust_set(self, i, j, v):
        self.T[i][j] = clamp(v, 0.0, 1.0)
        self.ts[i][j] = self.month

    def pair_share(self, p, delta):
        """Shared-partnership counts of the member pairs of p; drifted trust is
        materialised when a count leaves or reaches 0."""
        for a in p.slots:
            if not a.live:
                continue
            for b in p.slots:
                if a is b or not b.live:
                    continue
                i, j = a.i, b.i
                v = self.sh[i][j] + delta
                if (self.sh[i][j] == 0) != (v == 0):
                    self.trust_set(i, j, self.trust_get(i, j))
                self.sh[i][j] = max(v, 0)

    def slot_share(self, s, delta):
        p = s.p
        for b in p.slots:
            if b is s or not b.live:
                continue
            for x, y in ((s.i, b.i), (b.i, s.i)):
                v = self.sh[x][y] + delta
                if (self.sh[x][y] == 0) != (v == 0):
                    self.trust_set(x, y, self.trust_get(x, y))
                self.sh[x][y] = max(v, 0)

    def partnership_trust(self, p):
        s, k = 0.0, 0
        for a in p.slots:
            if not a.live:
                continue
            for b in p.slots:
                if a is not b and b.live:
                    s += self.trust_get(a.i, b.i)
                    k += 1
        return s / k if k else 0.0

    # ---------------------------------------------------------------- helpers
    def kpi_limit(self, rule, cap, K):
        if rule == "cap" and K > cap:
            return cap
        if rule == "steer_only" and K > self.par["kpi.useful"]:
            return self.par["kpi.useful"]
        return K

    def unit_cost(self, d, S):
        """c_d(S), EUR per inhabitant per year (7.0)."""
        name, cmin, sopt, a_d, _ = DOMAINS[d]
        if S <= 0:
            return cmin
        l = math.log(sopt / S)
        lo = l if l > 0 else 0.0
        hi = -l if l < 0 else 0.0
        return cmin * (1 + self.par["production.curvature"] * a_d * lo * lo
                       + self.par["production.diseconomy"] * hi * hi)

    def lead_assign(self, p):
        """Lead and convener (5.2)."""
        gov, named = self.par["fairness.governance"], self.par["fairness.lead"]
        largest, has_named, has_slead = -1, False, False
        for s in p.slots:
            if not s.live:
                continue
            i = s.i
            P = self.munis[i].pop
            if largest < 0 or P > self.munis[largest].pop or (P == self.munis[largest].pop and i < largest):
                largest = i
            if i == named:
                has_named = True
            if i == p.slead:
                has_slead = True
        if gov == "largest":
            p.lead = largest
        elif gov == "named":
            p.lead = named if has_named else (p.slead if has_slead else largest)
        else:
            p.lead = -1
        p.conv = p.lead if p.lead >= 0 else (p.slead if has_slead else largest)

    def carrier_age(self, rng):
        age_mean = self.par["keypeople.age_mean"]
        for _ in range(1000):
            a = age_mean + rng.gauss(0.0, 13.0)
            if 23 <= a <= 66.9:
                return a
        return age_mean

    def carriers_init(self, p, rng, initial):
        """Carrier slots (5.3): slot 0 the convener, then the other live members
        by decreasing population, wrapping around."""
        k = self.par["keypeople.carriers"]
        p.carriers = [Carrier() for _ in range(k)]
        prev, prevpop = -1, math.inf
        for c in range(k):
            if c == 0:
                home = p.conv
            else:
                home = -1
                for pas in range(2):
                    if home >= 0:
                        break
                    for s in p.slots:
                        if not s.live or s.i == p.conv:
                            continue
                        i = s.i
                        P = self.munis[i].pop
                        after = pas == 1 or P < prevpop or (P == prevpop and i > prev)
                        if not after:
                            continue
                        if home < 0 or P > self.munis[home].pop or (P == self.munis[home].pop and i < home):
                            home = i
                    if home < 0:
                        prevpop, prev = math.inf, -1
                if home < 0:
                    home = p.conv  # only the convener is a member
                prev, prevpop = home, self.munis[home].pop
            car = p.carriers[c]
            car.home = home
            car.alderman = rng.random() < self.par["keypeople.alderman_share"]
            car.age = self.carrier_age(rng)
            car.tenure = rng.randrange(60) if initial else 0
            car.vacant = False
            car.due = 0
            car.vstart = 0

    # ---------------------------------------------------------------- reset (section 5)
    def reset(self):
        sc, par = self.sc, self.par
        n = sc.n
        self.n = n
        self.month = 0
        self.sched_on = bool(par["calendar.scheduled_events"])
        self.events_now = []
        self.dissolved = self.formed_m = self.funded_m = self.failed_m = 0
        self.exits_m = self.departures_m = 0
        self.funded_wait_sum = 0.0
        self.funded_n = 0
        self.stamp_id = 0
        self.tbase = par["trust.base"]
        self.keep_pow = [1.0] * (self.H + 1)
        for t in range(1, self.H + 1):
            self.keep_pow[t] = self.keep_pow[t - 1] * (1 - par["trust.drift"])
        # room for partnerships and memberships (2.6)
        nm0 = sum(len(ps["members"]) for ps in sc.partnerships)
        self.NP = len(sc.partnerships) + par["membership.max_new"]
        self.NM = nm0 + 6 * par["membership.max_new"]
        self.nslots = 0

        # 1 municipalities
        rng = self.rng
        fr, cs = par["pooledfund.free_rider_share"], par["pooledfund.conditional_share"]
        if fr + cs > 1:
            cs = 1 - fr
        decint = par["calendar.decision_interval"]
        self.munis = []
        for i in range(n):
            m = Municipality(i, sc.population[i])
            m.neighbours = sc.neighbours[i]
            u = rng[MK_BUDGET].random()
            bpc = sc.budget_pc[i]
            if bpc is None:
                bpc = par["budget.per_capita"] + par["budget.per_capita_spread"] * (2 * u - 1)
            m.B = m.B0 = m.pop * bpc
            m.pi = draw_dirichlet(rng[MK_ATTENTION])
            m.a = m.a0 = draw_beta_mean(rng[MK_FAIRNESS], par["fairness.autonomy_mean"])
            m.s = draw_beta_mean(rng[MK_BUDGET], par["budget.skill_mean"])
            m.will = rng[MK_PRODUCTION].random() < par["production.willing_share"]
            m.l = draw_beta_mean(rng[MK_MEMBERSHIP], par["membership.initiative_mean"])
            u = rng[MK_POOLEDFUND].random()
            m.type = FREE_RIDER if u < fr else CONDITIONAL if u < fr + cs else UNCONDITIONAL
            m.phi = rng[MK_CALENDAR].randrange(decint) if par["calendar.stagger"] else 0
            m.rep = 1.0
            m.R = par["budget.initial_reserve"] * m.B
            m.C = par["attention.capacity_base"] * (m.pop / REF_POP) ** par["attention.capacity_elasticity"]
            self.munis.append(m)

        # 2 trust: dense n x n, month of last update, shared live partnerships
        t0, nbb = par["trust.initial"], par["trust.neighbour_bonus"]
        self.T = [[0.0] * n for _ in range(n)]
        self.ts = [[0] * n for _ in range(n)]
        self.sh = [[0] * n for _ in range(n)]
        g = rng[MK_TRUST]
        for i in range(n):
            nbs = set(sc.neighbours[i])
            row = self.T[i]
            for j in range(n):
                if j == i:
                    row[j] = 1.0
                    continue
                e = g.gauss(0.0, 0.1)
                row[j] = clamp(t0 + (nbb if j in nbs else 0.0) + e, 0.0, 1.0)

        # 3 partnerships of the scenario
        ramp = par["production.ramp_months"]
        rule, cap = par["kpi.rule"], par["kpi.cap"]
        self.parts = []
        for idx, ps in enumerate(sc.partnerships):
            p = Partnership(idx, ps["domain"])
            nmem = len(ps["members"])
            for a, i in enumerate(ps["members"]):
                s = Slot(i, p, ps["scope"][a])
                s.kap = s.sig = 1.0 / nmem
                p.slots.append(s)
                self.munis[i].slots.append(s)
                self.nslots += 1
            p.mp = nmem
            sm = ps["start_month"]
            p.st = ACTIVE if sm <= 0 else PLANNED
            p.t0 = sm if sm > 0 else 0
            p.ta = -ramp if sm <= 0 else sm + FORMING_MONTHS
            p.tf = p.t0 + FORMING_MONTHS
            p.slead = ps["lead"]
            p.RC = par["keypeople.rc_initial"]
            p.I = par["keypeople.institutionalisation"]
            p.kr, p.kc = rule, cap
            p.K = self.kpi_limit(rule, cap, par["kpi.initial"])
            p.je = rng[MK_KPI].random() < par["kpi.joint_evaluation_share"]
            self.parts.append(p)
            if p.st == ACTIVE:
                self.pair_share(p, +1)

        # 4 lead, convener, carriers
        for p in self.parts:
            self.lead_assign(p)
            self.carriers_init(p, rng[MK_KEYPEOPLE], True)

        # 5 derived state
        self.attention_update(False)
        for p in self.parts:
            self.fair_keys(p)
            p.Tm = self.partnership_trust(p)
            if is_prod(p.st):
                self.prod_partnership(p)
                self.fair_partnership(p)
        self.fair_municipalities()

    # ================================================================ 1 calendar (7.1)
    def calendar_step(self, month):
        par = self.par
        self.month = month
        di = par["calendar.decision_interval"]
        fe, ei = par["calendar.first_election"], par["calendar.election_interval"]
        elect = month >= fe and (month - fe) % ei == 0
        for m in self.munis:
            m.dec = (month - 1 - m.phi) % di == 0
            m.elec = elect
        self.events_now = [e for e in self.sc.events if e["month"] == month]
        if self.sched_on:
            for e in self.events_now:
                if e["kind"] == "kpi_cap":
                    for p in self.parts:
                        if e["partnership"] >= 0 and e["partnership"] != p.idx:
                            continue
                        p.kr = "cap"
                        p.kc = c_round(e["value"])
                        if p.K > p.kc:
                            p.K = p.kc
                elif e["kind"] == "election":
                    for m in self.munis:
                        if e["municipality"] < 0 or e["municipality"] == m.i:
                            m.elec = True
                elif e["kind"] == "budget_change":
                    for m in self.munis:
                        if e["municipality"] < 0 or e["municipality"] == m.i:
                            m.B *= 1 + e["value"]
        # elections shift priorities
        shift = par["calendar.priority_shift"]
        rng = self.rng[MK_CALENDAR]
        for m in self.munis:
            if not m.elec:
                continue
            g = draw_dirichlet(rng)
            new = [(1 - shift) * m.pi[d] + shift * g[d] for d in range(ND)]
            s = 0.0
            for x in new:
                s += x
            m.pi = [x / s for x in new]
        # planned partnerships start forming
        for p in self.parts:
            if p.st != PLANNED or p.t0 != month:
                continue
            p.st = FORMING
            p.tf = month + FORMING_MONTHS
            self.pair_share(p, +1)
            self.formed_m += 1

    # ================================================================ 2 keypeople (7.2)
    def is_live_member(self, p, i):
        for s in p.slots:
            if s.live and s.i == i:
                return True
        return False

    def depart(self, p, c, delay, month):
        par = self.par
        k = par["keypeople.carriers"]
        kocc = 0
        for d in range(k):
            if not p.carriers[d].vacant:
                kocc += 1
        if kocc < 1:
            kocc = 1
        car = p.carriers[c]
        h = car.home
        p.RC *= 1 - par["keypeople.rc_loss"] / kocc
        x = par["keypeople.trust_loss"] * (1 - p.I) / kocc
        for s in p.slots:
            j = s.i
            if not s.live or j == h:
                continue
            self.trust_set(h, j, self.trust_get(h, j) * (1 - x))
            self.trust_set(j, h, self.trust_get(j, h) * (1 - x))
        car.vacant = True
        car.due = month + delay
        car.vstart = month
        self.departures_m += 1

    def successor(self, car, rng):
        car.vacant = False
        car.age = self.carrier_age(rng)
        car.tenure = 0

    def keypeople_step(self, month):
        par = self.par
        rng = self.rng[MK_KEYPEOPLE]
        k = par["keypeople.carriers"]
        delay0 = par["keypeople.succession_delay"]
        h_cs = 1 - (1 - par["keypeople.staff_hazard"]) ** (1.0 / 12)
        h_al = 1 - (1 - 0.06) ** (1.0 / 12)
        turnover, rate = par["keypeople.election_turnover"], par["keypeople.rc_rate"]
        for p in self.parts:
            if not is_live(p.st):
                continue
            forced = [False] * k
            # 1 successors arrive
            for c in range(k):
                car = p.carriers[c]
                if car.vacant and month >= car.due:
                    if not self.is_live_member(p, car.home):
                        car.home = p.conv
                    self.successor(car, rng)
            # 2 forced departures (scheduled keyperson_leaves)
            if self.sched_on:
                for e in self.events_now:
                    if e["kind"] != "keyperson_leaves" or e["partnership"] != p.idx:
                        continue
                    cc = -1
                    for c in range(k):
                        car = p.carriers[c]
                        if not car.vacant and (e["municipality"] < 0 or car.home == e["municipality"]):
                            cc = c
                            break
                    if cc < 0:
                        continue
                    d = delay0 if e["value"] is None else c_round(e["value"])
                    self.depart(p, cc, d, month)
                    forced[cc] = True
                    if d == 0:
                        self.successor(p.carriers[cc], rng)
            # 3 ageing and departures by hazard, retirement and elections
            for c in range(k):
                car = p.carriers[c]
                if car.vacant or forced[c]:
                    continue
                car.age += 1.0 / 12
                car.tenure += 1
                u1 = rng.random()
                if car.alderman:
                    leave = u1 < h_al
                else:
                    leave = car.age >= 67 or u1 < h_cs
                if car.alderman and self.munis[car.home].elec and rng.random() < turnover:
                    leave = True
                if not leave:
                    continue
                self.depart(p, c, delay0, month)
                if delay0 == 0:
                    self.successor(car, rng)
            # relational capital of producing partnerships
            if not is_prod(p.st):
                continue
            nv = 0
            for c in range(k):
                if p.carriers[c].vacant:
                    nv += 1
            sb = 0.0
            for s in p.slots:
                if s.live:
                    sb += s.succ
            sb = sb / p.mp if p.mp > 0 else 0.0
            v = nv / k
            rc = p.RC
            p.RC = clamp(rc + rate * ((1 - rc) * p.Tm * (1 - v) - rc * (1 - sb)), 0.0, 1.0)

    # ================================================================ 3 pooledfund (7.3)
    def open_fund(self, p, kind, months, month):
        f = self.prod_eval(p, True)
        p.f_kind = kind
        p.f_t0 = month
        p.f_cost = months * max(f.Gs, 0.01 * f.A)
        for s in p.slots:
            s.fs = FS_NONE

    def lag(self, p, a, state, loss):
        """Each other live member at or beyond `state` lowers its trust in a's municipality."""
        i = a.i
        for b in p.slots:
            if b is not a and b.live and b.fs >= state:
                self.trust_set(b.i, i, self.trust_get(b.i, i) * (1 - loss))

    def fund_fail(self, p, month):
        loss = self.par["pooledfund.lag_trust_loss"]
        for a in p.slots:
            if a.live and a.fs != FS_COMMITTED:
                self.lag(p, a, FS_COMMITTED, loss)
        self.failed_m += 1
        kind = p.f_kind
        p.f_kind = FUND_NONE
        for a in p.slots:
            a.fs = FS_NONE
        if kind == FUND_STARTUP:
            self.dissolve(p, True)

    def run_fund(self, p, month):
        par = self.par
        rule = par["pooledfund.rule"]
        phi = par["pooledfund.cofunder_share"]
        H = par["membership.planning_horizon"]
        Kf = p.f_cost
        teff, base, loss = par["pooledfund.trust_effect"], par["trust.base"], par["pooledfund.lag_trust_loss"]
        startup = p.f_kind == FUND_STARTUP
        f = self.prod_eval(p, True) if startup else None
        ktot = 0.0
        for a in p.slots:
            if a.live:
                ktot += a.kap
        if month > p.f_t0:
            di = par["calendar.decision_interval"]
            sync = rule == "synchronised_decisions"
            sync_now = sync and (month - p.f_t0 - 1) % di == 0
            while True:
                changed = False
                for a in p.slots:
                    if not a.live or a.fs == FS_COMMITTED:
                        continue
                    i = a.i
                    mi = self.munis[i]
                    if (not sync_now) if sync else (not mi.dec):
                        continue
                    if rule == "assurance_pledges" and a.fs == FS_PLEDGED:
                        continue
                    kap = a.kap
                    c = (1 - phi) * Kf * kap
                    if startup:
                        Ai = a.z * mi.pop * self.unit_cost(p.dom, mi.pop) / 12.0
                        gain = Ai - kap * (f.A - f.G + f.TC + f.KO) + kap * f.Q
                    else:
                        gain = kap * par["pooledfund.project_gain"] * p.Phi * (p.Gs if p.Gs > 0 else 0.0)
                    EB = H * gain - c
                    if rule == "assurance_pledges":
                        others = False
                        for b in p.slots:
                            if b is not a and b.live and b.fs >= FS_PLEDGED:
                                others = True
                        if EB > 0:
                            a.fs = FS_PLEDGED
                        elif others:
                            self.lag(p, a, FS_PLEDGED, loss)
                        continue
                    tb, ko, kc, k = 0.0, 0.0, 0.0, 0
                    for b in p.slots:
                        if b is a or not b.live:
                            continue
                        tb += self.trust_get(i, b.i)
                        k += 1
                        ko += b.kap
                        if b.fs == FS_COMMITTED:
                            kc += b.kap
                    tb = tb / k if k else base
                    if mi.type == UNCONDITIONAL:
                        th0 = 0.0
                    elif mi.type == CONDITIONAL:
                        th0 = par["pooledfund.conditional_threshold"]
                    else:
                        th0 = 1.0
                    if rule == "lead_commits_first" and i == p.conv:
                        th0 = 0.0
                    theta = clamp(th0 - teff * (tb - base), 0.0, 1.0) if th0 > 0 else 0.0
                    q = phi + (1 - phi) * (kc / ko if ko > 0 else 1.0)
                    if EB > 0 and q >= theta:
                        a.fs = FS_COMMITTED
                        changed = True
                    elif not sync and kc > 0:
                        self.lag(p, a, FS_COMMITTED, loss)
                if not sync or not sync_now or not changed:
                    break
            if sync and sync_now:
                for a in p.slots:
                    if a.live and a.fs != FS_COMMITTED:
                        self.lag(p, a, FS_COMMITTED, loss)
            if rule == "assurance_pledges":
                everyone = True
                for a in p.slots:
                    if a.live and a.fs < FS_PLEDGED:
                        everyone = False
                if everyone:
                    for a in p.slots:
                        if a.live:
                            a.fs = FS_COMMITTED
        # funded?
        everyone = True
        for a in p.slots:
            if a.live and a.fs != FS_COMMITTED:
                everyone = False
        if everyone and p.mp >= 2:
            for a in p.slots:
                if a.live:
                    self.munis[a.i].paid += (1 - phi) * Kf * a.kap / (ktot if ktot > 0 else 1.0)
            wait = month - p.f_t0
            self.funded_wait_sum += wait
            self.funded_n += 1
            self.funded_m += 1
            p.f_kind = FUND_NONE
            for a in p.slots:
                a.fs = FS_NONE
            if startup:
                p.st = ACTIVE
                p.ta = month
            else:
                p.u = min(0.5, p.u + par["pooledfund.project_gain"])
            return
        if month >= p.f_t0 + par["pooledfund.deadline"]:
            self.fund_fail(p, month)

    def pooledfund_step(self, month):
        par = self.par
        for p in self.parts:
            if p.st != FORMING or p.tf != month:
                continue
            if par["pooledfund.startup_fund"]:
                p.st = FUNDING
                self.open_fund(p, FUND_STARTUP, par["pooledfund.project_cost"], month)
            else:
                p.st = ACTIVE
                p.ta = month
        if self.sched_on:
            for e in self.events_now:
                if e["kind"] != "fund_open":
                    continue
                pi = e["partnership"]
                if pi < 0 or pi >= len(self.parts):
                    continue
                p = self.parts[pi]
                if not is_prod(p.st) or p.f_kind != FUND_NONE:
                    continue
                months = par["pooledfund.project_cost"] if e["value"] is None else e["value"]
                self.open_fund(p, FUND_PROJECT, months, month)
        for p in self.parts:
            if p.f_kind != FUND_NONE and is_live(p.st):
                self.run_fund(p, month)

    # ================================================================ 4 production (7.4)
    def prod_eval(self, p, asif):
        """Flows of p; asif: as if active and fully ramped. Writes nothing."""
        par = self.par
        f = Flows()
        d = p.dom
        m, unwilling = 0, 0
        A = S = zP = skl = fit = 0.0
        for s in p.slots:
            if not s.live:
                continue
            mi = self.munis[s.i]
            m += 1
            A += s.z * mi.pop * self.unit_cost(d, mi.pop) / 12.0
            S += mi.pop
            zP += s.z * mi.pop
            skl += mi.s
            fit += min(1.0, ND * mi.pi[d])
            if not mi.will:
                unwilling += 1
        f.A, f.S = A, S
        if m == 0:
            f.J = f.Gs = f.Phi = f.G = f.TC = f.KO = f.Q = f.V = 0.0
            return f
        f.J = zP * self.unit_cost(d, S) / 12.0
        f.Gs = A - f.J
        I = p.I
        W = I + (1 - I) * p.RC
        base = 0.3 * W + 0.2 * skl / m + 0.3 * p.abar + 0.2 * fit / m
        rm = par["production.ramp_months"]
        ramp = 1.0
        if not asif and rm > 0:
            ramp = clamp((self.month - p.ta) / rm, 0.0, 1.0)
        kcar = par["keypeople.carriers"]
        nvac = 0
        for c in range(kcar):
            if p.carriers[c].vacant:
                nvac += 1
        vac = 1 - par["keypeople.vacancy_penalty"] * (1 - I) * nvac / kcar
        form = 1 - par["production.formality_drag"] * p.F
        adapt = 1 - par["production.unwilling_penalty"] * unwilling / m
        K = p.K
        if asif and not is_prod(p.st):
            K = self.kpi_limit(p.kr, p.kc, par["kpi.initial"])
        useful = par["kpi.useful"]
        steer = 1 + par["kpi.steer_gain"] * min(K, useful) / useful if useful > 0 else 1.0
        f.Phi = ramp * base * vac * form * adapt * steer * (1 + p.u)
        f.G = f.Phi * f.Gs if f.Gs > 0 else f.Gs
        gov = par["fairness.governance"]
        if gov == "unanimity_board" or gov == "population_weighted":
            Lk = m * (m - 1) / 2.0
        else:
            h = 0.6 if gov == "shared_commissioning" else par["production.hub_pair_share"]
            Lk = (m - 1) + h * (m - 1) * (m - 2) / 2.0
        f.TC = (par["production.tc_rate"] * A * (1 + p.F) * Lk / (m - 1) if m > 1 else 0.0) \
            + par["production.fixed_cost"] * m
        e = par["kpi.existing_data_share"]
        f.KO = par["kpi.cost_share"] * A * K * (1 - e * (1 - par["kpi.existing_data_cost"]))
        f.Q = par["production.quality_rate"] * f.Phi * A
        f.V = f.G - f.TC - f.KO
        return f

    def prod_partnership(self, p):
        f = self.prod_eval(p, False)
        for s in p.slots:
            if s.live:
                P = self.munis[s.i].pop
                s.Aip = s.z * P * self.unit_cost(p.dom, P) / 12.0
            else:
                s.Aip = 0.0
        p.A, p.S, p.J, p.Gs, p.Phi, p.G = f.A, f.S, f.J, f.Gs, f.Phi, f.G
        p.TC, p.KO, p.Q, p.V = f.TC, f.KO, f.Q, f.V

    def production_step(self, month):
        for p in self.parts:
            if is_prod(p.st):
                self.prod_partnership(p)
            else:
                p.A = p.J = p.Gs = p.Phi = p.G = p.TC = p.KO = p.Q = p.V = 0.0

    # ================================================================ 5 attention (7.5)
    def attention_update(self, formality):
        par = self.par
        lneed = par["attention.lead_need"]
        for m in self.munis:
            L = den = 0.0
            for s in m.slots:
                p = s.p
                if not s.live or not is_live(p.st):
                    continue
                nd = lneed if p.lead == m.i else 1.0
                L += nd
                den += nd * math.sqrt(ND * m.pi[p.dom])
            m.L = L
            for s in m.slots:
                p = s.p
                if not s.live or not is_live(p.st):
                    continue
                wq = math.sqrt(ND * m.pi[p.dom])
                ad = m.C * wq / den if den > 0 else 1.0
                s.ad = min(ad, 1.0)
        gov = par["fairness.governance"]
        rate = par["attention.formality_rate"]
        for p in self.parts:
            if not is_live(p.st) or p.mp < 1:
                continue
            sn = sa = 0.0
            for s in p.slots:
                if not s.live:
                    continue
                nd = lneed if p.lead == s.i else 1.0
                sn += nd
                sa += nd * s.ad
            p.abar = sa / sn if sn > 0 else 1.0
            fb = par["attention.board_formality"] if gov == "unanimity_board" else 0.0
            ft = clamp(fb + par["attention.formality_size"] * math.log(p.mp / 2.0)
                       + par["attention.formality_thin"] * (1 - p.abar), 0.0, 1.0)
            if not formality:
                p.F = ft
            else:
                r = rate if ft > p.F else rate / 5
                p.F = clamp(p.F + r * (ft - p.F), 0.0, 1.0)

    def attention_step(self, month):
        self.attention_update(True)

    # ================================================================ 6 fairness (7.6)
    def fair_keys(self, p):
        par = self.par
        m = p.mp
        if m < 1:
            return
        key, gov, lam = par["fairness.sharing_key"], par["fairness.governance"], par["fairness.lead_voice"]
        d = p.dom
        S = zP = A = 0.0
        for s in p.slots:
            if not s.live:
                continue
            P = self.munis[s.i].pop
            S += P
            zP += s.z * P
            A += s.z * P * self.unit_cost(d, P)
        if key == "contribution" and not A > 0:
            key = "population"
        haslead = False
        for s in p.slots:
            if s.live and s.i == p.lead:
                haslead = True
        for s in p.slots:
            if not s.live:
                s.kap = s.sig = 0.0
                continue
            P = self.munis[s.i].pop
            if key == "equal":
                s.kap = 1.0 / m
            elif key == "contribution":
                s.kap = s.z * P * self.unit_cost(d, P) / A
            else:
                s.kap = s.z * P / zP
            if gov == "largest" or gov == "named":
                s.sig = (1 - lam) * P / S + lam * (1.0 if s.i == p.lead else 0.0) if haslead else P / S
            elif gov == "shared_commissioning":
                s.sig = 0.5 / m + 0.5 * P / S
            elif gov == "unanimity_board":
                s.sig = 1.0 / m
            else:
                s.sig = P / S

    def fair_partnership(self, p):
        par = self.par
        m = p.mp
        if m < 1:
            return
        # the two largest shares of say
        s1, s2, top = -1.0, -1.0, None
        for s in p.slots:
            if not s.live:
                continue
            if s.sig > s1:
                s2, s1, top = s1, s.sig, s
            elif s.sig > s2:
                s2 = s.sig
        cost = p.A - p.G + p.TC + p.KO
        p.Vf = p.V
        pos = 0.0
        for s in p.slots:
            if not s.live:
                continue
            s.pay = s.kap * cost
            s.NBm = s.Aip - s.pay
            s.NBs = s.NBm + s.kap * p.Q
            if s.NBs > 0:
                pos += s.NBs
        vw, sw, aw = par["fairness.voice_weight"], par["fairness.success_weight"], par["fairness.autonomy_weight"]
        for s in p.slots:
            if not s.live:
                continue
            s.succ = logistic(s.NBs / (0.02 * s.Aip)) if s.Aip > 0 else 0.5
            if pos > 0:
                beta = s.NBs / pos if s.NBs > 0 else 0.0
            else:
                beta = s.kap
            gb = clamp((s.kap - beta) / s.kap, 0.0, 1.0) if s.kap > 0 else 0.0
            dom = s2 if s is top else s1
            gv = clamp((dom - 1.0 / m) / (1 - 1.0 / m), 0.0, 1.0) if m > 1 else 0.0
            s.fair = 1 - vw * gv - (1 - vw) * gb
            sd = clamp(1 - m * s.sig, 0.0, 1.0)
            s.sats = clamp(0.8 * (sw * s.succ + (1 - sw) * s.fair) + 0.2 * s.ad
                           - aw * self.munis[s.i].a * sd, 0.0, 1.0)

    def fair_municipalities(self):
        for m in self.munis:
            nb = mo = sat = 0.0
            k = 0
            for s in m.slots:
                if not s.live or not is_prod(s.p.st):
                    continue
                nb += s.NBs
                mo += s.NBm
                sat += s.sats
                k += 1
            m.NB, m.money = nb, mo
            m.sat = sat / k if k else 0.5

    def fairness_step(self, month):
        for p in self.parts:
            if not is_live(p.st):
                continue
            self.fair_keys(p)
            if is_prod(p.st):
                self.fair_partnership(p)
            else:
                for s in p.slots:
                    s.pay = s.NBm = s.NBs = 0.0
        self.fair_municipalities()

    # ================================================================ 7 kpi (7.7)
    def review_phase(self, p):
        x = p.idx if p.ta <= 0 else p.ta
        return x % 12

    def joint_eval(self, p):
        useful = self.par["kpi.useful"]
        pruned = p.K - useful if p.K > useful else 0
        p.K -= pruned

    def kpi_step(self, month):
        par = self.par
        rng = self.rng[MK_KPI]
        thr, rate = par["kpi.trust_threshold"], par["kpi.demand_rate"]
        jint, useful = par["kpi.joint_evaluation_interval"], par["kpi.useful"]
        for p in self.parts:
            if not is_prod(p.st) or month <= p.ta:
                continue
            rph = self.review_phase(p)
            if month % 12 == rph:
                Dm = 0
                for a in p.slots:
                    if not a.live:
                        continue
                    tb, k = 0.0, 0
                    for b in p.slots:
                        if b is not a and b.live:
                            tb += self.trust_get(a.i, b.i)
                            k += 1
                    tb = tb / k if k else 0.0
                    if tb < thr and thr > 0:
                        Dm += draw_poisson(rng, rate * (thr - tb) / thr)
                K0 = p.K
                if p.kr == "free_growth":
                    K = K0 + Dm
                else:
                    lim = p.kc if p.kr == "cap" else useful
                    K = max(K0, min(K0 + Dm, lim))
                p.K = K
            if p.je and jint > 0 and month % jint == rph % jint:
                self.joint_eval(p)
        if self.sched_on:
            for e in self.events_now:
                if e["kind"] != "joint_evaluation":
                    continue
                for p in self.parts:
                    if (e["partnership"] < 0 or e["partnership"] == p.idx) and is_prod(p.st):
                        self.joint_eval(p)

    # ================================================================ 8 trust (7.8)
    def trust_step(self, month):
        par = self.par
        lr, rr = par["trust.learning_rate"], par["trust.reputation_recovery"]
        for p in self.parts:
            if not is_prod(p.st):
                continue
            for a in p.slots:
                if not a.live:
                    continue
                i = a.i
                base = 0.35 * a.succ + 0.25 * a.fair
                for b in p.slots:
                    if b is a or not b.live:
                        continue
                    j = b.i
                    E = base + 0.20 * a.ad * b.ad + 0.20 * self.munis[j].rep
                    t = self.trust_get(i, j)
                    self.trust_set(i, j, t + lr * (E - t))
        for m in self.munis:
            m.rep += rr * (1 - m.rep)
        for p in self.parts:
            if is_live(p.st):
                p.Tm = self.partnership_trust(p)

    # ================================================================ 9 membership (7.9)
    def dissolve(self, p, failed):
        if not is_live(p.st):
            return
        if p.st != PLANNED:
            self.pair_share(p, -1)
        if p.f_kind == FUND_PROJECT:
            self.failed_m += 1
        p.f_kind = FUND_NONE
        for s in p.slots:
            s.fs = FS_NONE
            s.NBm = s.NBs = s.pay = 0.0
        p.st = FAILED if failed else DISSOLVED
        self.dissolved += 1

    def exit(self, s):
        """Member s.i leaves s.p: exit payment, reputation and trust losses."""
        par = self.par
        p, i, month = s.p, s.i, self.month
        mi = self.munis[i]
        X = par["membership.exit_payment_years"] * 12 * s.kap * (p.TC + p.KO) if is_prod(p.st) else 0.0
        krest = 1 - s.kap
        mi.R -= X
        for b in p.slots:
            if b is not s and b.live and krest > 0:
                self.munis[b.i].R += X * b.kap / krest
        mi.rep *= 1 - par["membership.exit_reputation_loss"]
        # every distinct live co-member lowers its trust in the leaver, once
        self.stamp_id += 1
        sid = self.stamp_id
        tl = par["membership.exit_trust_loss"]
        mi.stamp = sid
        for j in self.comembers(mi, sid):
            self.trust_set(j, i, self.trust_get(j, i) * (1 - tl))
        self.slot_share(s, -1)
        s.live = False
        p.mp -= 1
        s.fs = FS_NONE
        s.NBm = s.NBs = s.pay = s.kap = s.sig = 0.0
        for car in p.carriers:
            if car.home == i and not car.vacant:
                car.vacant = True
                car.vstart = month
                car.due = month + par["keypeople.succession_delay"]
        if p.lead == i or p.conv == i:
            self.lead_assign(p)
        self.exits_m += 1
        if p.mp < 2:
            if p.st == FUNDING and p.f_kind == FUND_STARTUP:
                self.fund_fail(p, month)
            else:
                self.dissolve(p, False)
            return
        # re-evaluate the remaining members at once (8, item 19)
        self.fair_keys(p)
        if is_prod(p.st):
            self.prod_partnership(p)
            self.fair_partnership(p)

    def comembers(self, mi, sid):
        """The distinct live co-members of mi not yet stamped sid, stamping them."""
        out = []
        for q in mi.slots:
            if not q.live or not is_live(q.p.st):
                continue
            for b in q.p.slots:
                if b.live and self.munis[b.i].stamp != sid:
                    self.munis[b.i].stamp = sid
                    out.append(b.i)
        return out

    def free_scope(self, j, d):
        f = 1.0
        for q in self.munis[j].slots:
            if q.live and is_live(q.p.st) and q.p.dom == d:
                f -= q.z
        return f

    def propose(self, i, rng):
        """Municipality i proposes a new partnership (7.9.1)."""
        par = self.par
        month = self.month
        mi = self.munis[i]
        fz = [1.0] * ND
        for q in mi.slots:
            if q.live and is_live(q.p.st):
                fz[q.p.dom] -= q.z
        tot = 0.0
        for d in range(ND):
            if fz[d] >= 0.1:
                tot += mi.pi[d]
        if not tot > 0:
            return
        # domain by priority among those with free scope
        u = rng.random() * tot
        dom = -1
        for x in range(ND):
            if fz[x] < 0.1:
                continue
            dom = x
            if u < mi.pi[x]:
                break
            u -= mi.pi[x]
        d = dom
        # candidates: neighbours, and trusted live co-members, with free scope in d
        self.stamp_id += 1
        sid = self.stamp_id
        mi.stamp = sid
        cand = []
        for j in mi.neighbours:
            if self.munis[j].stamp == sid:
                continue
            self.munis[j].stamp = sid
            if self.free_scope(j, d) >= 0.1:
                cand.append((self.trust_get(i, j) * self.munis[j].rep, j))
        inv = par["membership.invite_trust"]
        for j in self.comembers(mi, sid):
            t = self.trust_get(i, j)
            if t >= inv and self.free_scope(j, d) >= 0.1:
                cand.append((t * self.munis[j].rep, j))
        # the first 5 by key descending (ties: index)
        cand.sort(key=lambda c: (-c[0], c[1]))
        invited = [j for _, j in cand[:5]]
        S = mi.pop
        for j in invited:
            S += self.munis[j].pop
        accepted = []
        for j in invited:
            mj = self.munis[j]
            cj = self.unit_cost(d, mj.pop)
            over = mj.L / mj.C - 1 if mj.C > 0 else 0.0
            score = (cj - self.unit_cost(d, S)) / cj + par["production.quality_rate"] \
                + 0.2 * (self.trust_get(j, i) * mi.rep - par["trust.base"]) \
                - 0.1 * (over if over > 0 else 0.0) - 0.05 * mj.a
            if rng.random() < logistic(score / 0.02):
                accepted.append(j)
        if not accepted:
            return
        members = sorted(accepted + [i])
        p = Partnership(len(self.parts), d)
        for j in members:
            fj = self.free_scope(j, d)
            s = Slot(j, p, min(fj, 1.0))
            p.slots.append(s)
            self.munis[j].slots.append(s)
            self.nslots += 1
        p.mp = len(members)
        p.st = FORMING
        p.t0 = month
        p.tf = month + FORMING_MONTHS
        p.ta = month + FORMING_MONTHS
        p.slead = i
        self.parts.append(p)
        self.lead_assign(p)
        p.RC = par["keypeople.rc_initial"]
        p.I = par["keypeople.institutionalisation"]
        p.kr, p.kc = par["kpi.rule"], par["kpi.cap"]
        p.K = self.kpi_limit(p.kr, p.kc, par["kpi.initial"])
        p.je = rng.random() < par["kpi.joint_evaluation_share"]
        p.abar = 1.0
        fb = par["attention.board_formality"] if par["fairness.governance"] == "unanimity_board" else 0.0
        p.F = clamp(fb + par["attention.formality_size"] * math.log(p.mp / 2.0), 0.0, 1.0)
        self.carriers_init(p, rng, False)
        self.pair_share(p, +1)
        self.fair_keys(p)
        p.Tm = self.partnership_trust(p)
        self.formed_m += 1

    def membership_step(self, month):
        par = self.par
        rng = self.rng[MK_MEMBERSHIP]
        # 1 forced exits (scheduled member_exit)
        if self.sched_on:
            for e in self.events_now:
                if e["kind"] != "member_exit":
                    continue
                pi = e["partnership"]
                if pi < 0 or pi >= len(self.parts) or not is_live(self.parts[pi].st):
                    continue
                for s in self.parts[pi].slots:
                    if s.live and s.i == e["municipality"]:
                        self.exit(s)
                        break
        thr, H = par["membership.exit_threshold"], par["membership.planning_horizon"]
        reviews, kcar = par["membership.exit_reviews"], par["keypeople.carriers"]
        for p in list(self.parts):
            # 2 voluntary exits at a member's decision month
            for a in p.slots:
                if not is_prod(p.st):
                    break
                if not a.live or not self.munis[a.i].dec:
                    continue
                a.low = a.low + 1 if a.sats < thr else 0
                if a.low < reviews:
                    continue
                X = par["membership.exit_payment_years"] * 12 * a.kap * (p.TC + p.KO)
                Rv = par["membership.reputation_value"] * self.munis[a.i].rep * a.Aip
                if H * a.NBs + X + Rv < 0:
                    self.exit(a)
            if not is_prod(p.st):
                continue
            # 3 cooling, recovery, dissolution
            sb = 0.0
            for a in p.slots:
                if a.live:
                    sb += a.sats
            sb /= p.mp
            ct = par["membership.cooling_threshold"]
            if p.st == ACTIVE and sb < ct:
                p.st = COOLING
                p.cm = 0
            elif p.st == COOLING and sb >= ct + 0.05:
                p.st = ACTIVE
            elif p.st == COOLING:
                p.cm += 1
                if p.cm >= par["membership.cooling_max"]:
                    self.dissolve(p, False)
                    continue
            # 4 orphan rule
            vac = True
            for c in range(kcar):
                if not p.carriers[c].vacant:
                    vac = False
            W = p.I + (1 - p.I) * p.RC
            if vac and W < par["membership.orphan_capital"] and rng.random() < par["membership.orphan_hazard"]:
                self.dissolve(p, False)
        # 5 proposals of new partnerships
        rate = par["membership.proposal_rate"]
        if rate > 0:
            for m in self.munis:
                if len(self.parts) >= self.NP or self.nslots + 6 > self.NM:
                    break
                if not m.L < m.C:
                    continue
                if rng.random() < rate * m.l:
                    self.propose(m.i, rng)
        self.fair_municipalities()

    # ================================================================ 10 budget (7.10)
    def budget_step(self, month):
        par = self.par
        g = (1 + par["budget.growth"]) ** (1.0 / 12)
        again, sgain = par["budget.autonomy_gain"], par["budget.skill_gain"]
        delta = 1 - (1 - 0.085) ** (1.0 / 12)
        for m in self.munis:
            m.R += m.money - m.paid
            m.paid = 0.0
            m.B *= g
            astar = clamp(m.a0 + again * math.log(m.B / m.B0), 0.0, 1.0)
            m.a = clamp(m.a + 0.05 * (astar - m.a), 0.0, 1.0)
            k = ok = 0
            for s in m.slots:
                if not s.live or not is_prod(s.p.st):
                    continue
                k += 1
                if s.succ >= 0.5:
                    ok += 1
            wk = ok / k if k else 0.0
            m.s = clamp(m.s + sgain * (1 - m.s) * wk - delta * m.s, 0.0, 1.0)

    # ================================================================ observe (7.12)
    def observe(self, month):
        par = self.par
        v = dict.fromkeys(SERIES, 0.0)
        nprod = tpairs = tsum = attn = attk = atax = vtax = 0.0
        nfund = fwait = vac = satk = satsum = ssk = sss = succk = succn = 0.0
        fewk = fews = manyk = manys = 0.0
        kcar = par["keypeople.carriers"]
        for m in self.munis:
            m.nmem = 0
            for s in m.slots:
                if s.live and is_live(s.p.st):
                    m.nmem += 1
        for p in self.parts:
            st = p.st
            if st == ACTIVE:
                v["active_partnerships"] += 1
            if st == FUNDING:
                v["funding_partnerships"] += 1
            if st == COOLING:
                v["cooling_partnerships"] += 1
            if is_live(st):
                v["members"] += p.mp
                if p.f_kind != FUND_NONE:
                    nfund += 1
                    fwait += month - p.f_t0
                for c in range(kcar):
                    if p.carriers[c].vacant:
                        vac += 1
            if not is_prod(st):
                continue
            nprod += 1
            pmax = 0.0
            for a in p.slots:
                if a.live and self.munis[a.i].pop > pmax:
                    pmax = self.munis[a.i].pop
            for a in p.slots:
                if not a.live:
                    continue
                mi = self.munis[a.i]
                for b in p.slots:
                    if b is not a and b.live:
                        tsum += self.trust_get(a.i, b.i)
                        tpairs += 1
                attn += a.ad
                attk += 1
                satsum += a.sats
                satk += 1
                if mi.pop < par["fairness.small_ratio"] * pmax:
                    sss += a.sats
                    ssk += 1
                ok = 1 if (st == ACTIVE and a.NBs > 0) else 0
                succn += ok
                succk += 1
                if 6 <= mi.nmem <= 15:
                    fews += ok
                    fewk += 1
                if mi.nmem > 40:
                    manys += ok
                    manyk += 1
            v["relational_capital_mean"] += p.I + (1 - p.I) * p.RC
            v["formality_mean"] += p.F
            v["cost_alone"] += p.A
            v["gross_savings"] += p.G
            v["transaction_costs"] += p.TC
            v["kpi_overhead"] += p.KO
            v["net_value"] += p.V
            v["quality_value"] += p.Q
            v["kpi_count"] += p.K
            if p.dom == 1:  # tax
                atax += p.A
                vtax += p.V
        v["dissolved_partnerships"] = self.dissolved
        v["formed_partnerships"] = self.formed_m
        nmsum = bsum = 0.0
        for m in self.munis:
            nmsum += m.nmem
            bsum += m.B / 12.0
        n = len(self.munis)
        v["mean_memberships"] = nmsum / n if n else 0.0
        v["mean_trust"] = tsum / tpairs if tpairs > 0 else 0.0
        v["relational_capital_mean"] = v["relational_capital_mean"] / nprod if nprod > 0 else 0.0
        v["formality_mean"] = v["formality_mean"] / nprod if nprod > 0 else 0.0
        v["attention_mean"] = attn / attk if attk > 0 else 0.0
        v["savings_rate"] = v["net_value"] / v["cost_alone"] if v["cost_alone"] > 0 else 0.0
        v["savings_rate_tax"] = vtax / atax if atax > 0 else 0.0
        v["spending_change"] = -v["net_value"] / bsum if bsum > 0 else 0.0
        v["kpi_mean"] = v["kpi_count"] / nprod if nprod > 0 else 0.0
        v["funds_waiting"] = nfund
        v["fund_wait_mean"] = fwait / nfund if nfund > 0 else 0.0
        v["projects_funded"] = self.funded_m
        v["projects_failed"] = self.failed_m
        v["fund_wait_funded_mean"] = self.funded_wait_sum / self.funded_n if self.funded_n > 0 else 0.0
        v["exits"] = self.exits_m
        v["keyperson_departures"] = self.departures_m
        v["vacancies"] = vac
        v["satisfaction_mean"] = satsum / satk if satk > 0 else 0.0
        v["satisfaction_small"] = sss / ssk if ssk > 0 else 0.0
        v["success_share"] = succn / succk if succk > 0 else 0.0
        v["success_few"] = fews / fewk if fewk > 0 else 0.0
        v["success_many"] = manys / manyk if manyk > 0 else 0.0
        # Gini of net benefit per inhabitant (Raffinetti et al. 2015)
        x = []
        for m in self.munis:
            for s in m.slots:
                if s.live and is_prod(s.p.st):
                    x.append(m.NB / m.pop)
                    break
        k = len(x)
        if k >= 2:
            x.sort()
            num = mabs = 0.0
            for r in range(k):
                num += (2.0 * (r + 1) - k - 1) * x[r]
                mabs += abs(x[r])
            mabs /= k
            v["gini_net_benefit"] = num / (k * k * mabs) if mabs > 0 else 0.0
        # flows are counted per month
        self.formed_m = self.funded_m = self.failed_m = self.exits_m = self.departures_m = 0
        return [float(v[name]) for name in SERIES]

    # ================================================================ one month
    def step(self, month):
        self.calendar_step(month)
        self.keypeople_step(month)
        self.pooledfund_step(month)
        self.production_step(month)
        self.attention_step(month)
        self.fairness_step(month)
        self.kpi_step(month)
        self.trust_step(month)
        self.membership_step(month)
        self.budget_step(month)
        return self.observe(month)


def run_replicate(sc, replicate, horizon):
    """One run: returns {series name: [value per month]}."""
    w = World(sc, replicate, horizon)
    out = {name: [] for name in SERIES}
    for month in range(1, horizon + 1):
        vals = w.step(month)
        for name, x in zip(SERIES, vals):
            out[name].append(x)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Pure-Python reference implementation of the regsim cooperation model "
                    "(for the performance comparison). Runs the scenario's first (or only) variant.")
    ap.add_argument("scenario", help="scenario JSON file (as for `regsim run`)")
    ap.add_argument("--runs", type=int, default=1, help="replicates to run (default 1)")
    ap.add_argument("--months", type=int, default=None, help="horizon (default: the scenario's)")
    ap.add_argument("--first-replicate", type=int, default=0,
                    help="index of the first replicate (default 0); replicate r always draws the same numbers")
    ap.add_argument("-o", "--output", default=None, help="write every run series as JSON to this file")
    ap.add_argument("-q", "--quiet", action="store_true", help="print only the timing line")
    args = ap.parse_args(argv)

    t_load = time.perf_counter()
    sc = load_scenario(args.scenario)
    t_load = time.perf_counter() - t_load
    horizon = args.months if args.months else sc.horizon
    if not args.quiet:
        print("scenario %s: %d municipalities, %d borders, %d partnerships, variant %s, %d months; "
              "loaded in %.2f s" % (sc.name, sc.n, len(sc.edges), len(sc.partnerships), sc.variant,
                                    horizon, t_load), file=sys.stderr)
    series = {name: [] for name in SERIES}
    times = []
    for r in range(args.first_replicate, args.first_replicate + args.runs):
        t = time.perf_counter()
        out = run_replicate(sc, r, horizon)
        times.append(time.perf_counter() - t)
        for name in SERIES:
            series[name].append(out[name])
        if not args.quiet:
            print("replicate %d: %.3f s; net_value month %d = %.6g" %
                  (r, times[-1], horizon, out["net_value"][-1]), file=sys.stderr)
    per_run = sum(times) / len(times) if times else 0.0
    if args.output:
        with open(args.output, "w") as f:
            json.dump({"scenario": sc.name, "variant": sc.variant, "months": horizon,
                       "first_replicate": args.first_replicate, "runs": args.runs,
                       "seconds_per_run": per_run, "run_seconds": times, "series": series}, f)
    print("%d runs of %s (%d months): %.4f seconds per run (%.2f s in all, load %.2f s)" %
          (args.runs, sc.name, horizon, per_run, sum(times), t_load))
    return 0


if __name__ == "__main__":
    sys.exit(main())
