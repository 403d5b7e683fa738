"""A loopback stand-in for the DSA Transparency Database's statement API, enforcing the
published validation rules (digital-services-act/transparency-database,
StatementStoreRequest, schema of 1 July 2025; ../shared/reference/interop.md section 5).

usage: dsa_database.py PORT_FILE TOKEN [--fail-first N]

Writes the port it listens on (127.0.0.1) to PORT_FILE. POST /api/v1/statements stores a
batch of at most 100 all or nothing (201) or answers 422 with errors keyed statement_N;
a PUID seen before is refused as not unique. GET /stored lists the stored PUIDs.
--fail-first N answers the first N calls with 429, as the rate limit does.
"""
import json
import re
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port_file, token = sys.argv[1], sys.argv[2]
fail_first = int(sys.argv[sys.argv.index("--fail-first") + 1]) if "--fail-first" in sys.argv else 0
stored = {}
calls = {"n": 0}

V = "DECISION_VISIBILITY_"
VISIBILITY = {V + k for k in ["CONTENT_REMOVED", "CONTENT_DISABLED", "CONTENT_DEMOTED", "CONTENT_AGE_RESTRICTED",
                              "CONTENT_INTERACTION_RESTRICTED", "CONTENT_LABELLED", "OTHER"]}
GROUNDS = {"DECISION_GROUND_ILLEGAL_CONTENT", "DECISION_GROUND_INCOMPATIBLE_CONTENT"}
CONTENT = {"CONTENT_TYPE_" + k for k in ["APP", "AUDIO", "IMAGE", "PRODUCT", "SYNTHETIC_MEDIA", "TEXT", "VIDEO", "OTHER"]}
CATEGORIES = {"STATEMENT_CATEGORY_" + k for k in [
    "ANIMAL_WELFARE", "CONSUMER_INFORMATION", "CYBER_VIOLENCE", "CYBER_VIOLENCE_AGAINST_WOMEN",
    "DATA_PROTECTION_AND_PRIVACY_VIOLATIONS", "ILLEGAL_OR_HARMFUL_SPEECH", "INTELLECTUAL_PROPERTY_INFRINGEMENTS",
    "NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS", "NOT_SPECIFIED_NOTICE", "OTHER_VIOLATION_TC",
    "PROTECTION_OF_MINORS", "RISK_FOR_PUBLIC_SECURITY", "SCAMS_AND_FRAUD", "SELF_HARM",
    "UNSAFE_AND_PROHIBITED_PRODUCTS", "VIOLENCE"]}
SOURCES = {"SOURCE_ARTICLE_16", "SOURCE_TRUSTED_FLAGGER", "SOURCE_TYPE_OTHER_NOTIFICATION", "SOURCE_VOLUNTARY"}
AUTOMATED = {"AUTOMATED_DECISION_FULLY", "AUTOMATED_DECISION_PARTIALLY", "AUTOMATED_DECISION_NOT_AUTOMATED"}
COUNTRIES = set("AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IS IT LI LT LU LV MT NL NO PL PT RO SE SI SK".split())
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def validate(s):
    e = {}
    def need(field, message="The %s field is required."):
        if s.get(field) in (None, "", []):
            e.setdefault(field, []).append(message % field.replace("_", " "))
            return False
        return True
    def limit(field, n):
        if isinstance(s.get(field), str) and len(s[field]) > n:
            e.setdefault(field, []).append("The %s field must not be greater than %d characters." % (field, n))
    def within(field, allowed, many=False):
        value = s.get(field)
        values = value if many else [value]
        if value is not None and (not isinstance(values, list) or any(v not in allowed for v in values)):
            e.setdefault(field, []).append("The selected %s is invalid." % field)
    restrictions = ["decision_visibility", "decision_monetary", "decision_provision", "decision_account"]
    if all(s.get(k) in (None, []) for k in restrictions):
        e["decision_visibility"] = ["The decision visibility field is required when none of the others are present."]
    within("decision_visibility", VISIBILITY, many=True)
    if V + "OTHER" in (s.get("decision_visibility") or []):
        need("decision_visibility_other")
    limit("decision_visibility_other", 500)
    if need("decision_ground"):
        within("decision_ground", GROUNDS)
    if s.get("decision_ground") == "DECISION_GROUND_ILLEGAL_CONTENT":
        need("illegal_content_legal_ground"); need("illegal_content_explanation")
    if s.get("decision_ground") == "DECISION_GROUND_INCOMPATIBLE_CONTENT":
        need("incompatible_content_ground"); need("incompatible_content_explanation")
        within("incompatible_content_illegal", {"Yes", "No"})
    for field, n in [("illegal_content_legal_ground", 500), ("illegal_content_explanation", 2000),
                     ("incompatible_content_ground", 500), ("incompatible_content_explanation", 2000),
                     ("content_type_other", 500), ("decision_facts", 5000), ("puid", 500), ("source_identity", 500)]:
        limit(field, n)
    if need("content_type"):
        within("content_type", CONTENT, many=True)
        if "CONTENT_TYPE_OTHER" in (s.get("content_type") or []):
            need("content_type_other")
    if need("category"):
        within("category", CATEGORIES)
    within("territorial_scope", COUNTRIES, many=True)
    for field, low, high in [("content_date", "2000-01-01", "2038-01-01"), ("application_date", "2020-01-01", "2038-01-01")]:
        if need(field) and (not DATE.match(str(s[field])) or not low <= s[field] <= high):
            e.setdefault(field, []).append("The %s field must be a date in the format YYYY-MM-DD between %s and %s." % (field, low, high))
    need("decision_facts")
    if need("source_type"):
        within("source_type", SOURCES)
    if need("automated_detection"):
        within("automated_detection", {"Yes", "No"})
    if need("automated_decision"):
        within("automated_decision", AUTOMATED)
    if need("puid"):
        if not re.match(r"^[a-zA-Z0-9\-_]+$", s["puid"]):
            e.setdefault("puid", []).append("The puid format is invalid.")
        elif s["puid"] in stored:
            e.setdefault("puid", []).append("The identifier given is not unique within this platform.")
    return e


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/stored":
            return self.answer(200, {"puids": sorted(stored)})
        self.answer(404, {"message": "not found"})

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("Authorization") != "Bearer " + token:
            return self.answer(401, {"message": "Unauthenticated."})
        calls["n"] += 1
        if calls["n"] <= fail_first:
            return self.answer(429, {"message": "Limit Reached. Please do not overload the API."})
        if self.path != "/api/v1/statements":
            return self.answer(404, {"message": "not found"})
        statements = json.loads(body).get("statements")
        if not isinstance(statements, list) or not 1 <= len(statements) <= 100:
            return self.answer(422, {"message": "The statements field must have between 1 and 100 items.",
                                     "errors": {"statements": ["between 1 and 100"]}})
        errors, seen = {}, set()
        for i, s in enumerate(statements):
            e = validate(s)
            if s.get("puid") in seen:
                e.setdefault("puid", []).append("The identifier given is not unique within this platform.")
            seen.add(s.get("puid"))
            if e:
                errors["statement_%d" % i] = e
        if errors:
            return self.answer(422, {"message": "The given data was invalid.", "errors": errors})
        for s in statements:
            stored[s["puid"]] = s
        self.answer(201, {"statements": statements})


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
open(port_file, "w").write(str(server.server_address[1]))
server.serve_forever()
