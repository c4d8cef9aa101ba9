#!/usr/bin/env python3
"""Guards the HTTP/JSON mapping of the API (the google.api.http rules), which
`buf breaking` does not look at.

  scripts/http_rules.py CURRENT_IMAGE.json [RELEASED_IMAGE.json]

Both are buf images in JSON. Fails when a method of a bilateral/ file has no
HTTP rule, when two methods share a route, or when a route of the released
contract changed or disappeared (HTTP clients call it by that route).
Standard library only.
"""
import json
import sys

VERBS = ("get", "put", "post", "delete", "patch")


def rules(path):
    """{method's full name: (verb, template, body)} of the bilateral/ files."""
    with open(path) as file:
        image = json.load(file)
    found = {}
    for proto in image["file"]:
        if not proto["name"].startswith("bilateral/"):
            continue
        for service in proto.get("service", []):
            for method in service.get("method", []):
                name = f"{proto.get('package', '')}.{service['name']}.{method['name']}"
                rule = method.get("options", {}).get("[google.api.http]")
                if rule is None:
                    found[name] = None
                    continue
                verb = next((v for v in VERBS if v in rule), None)
                found[name] = (verb, rule.get(verb), rule.get("body", ""))
    return found


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    current = rules(sys.argv[1])
    problems = []
    routes = {}
    for name, rule in sorted(current.items()):
        if rule is None or rule[0] is None:
            problems.append(f"{name} has no google.api.http rule")
            continue
        route = f"{rule[0].upper()} {rule[1]}"
        if route in routes:
            problems.append(f"{name} and {routes[route]} share the route {route}")
        routes[route] = name
    if len(sys.argv) == 3:
        for name, rule in sorted(rules(sys.argv[2]).items()):
            if rule is None:
                continue
            now = current.get(name)
            if now is None:
                continue  # a removed method is buf breaking's to report
            if now != rule:
                problems.append(f"{name}: the released route {rule[0].upper()} {rule[1]} (body "
                                f"{rule[2]!r}) became {str(now[0]).upper()} {now[1]} (body {now[2]!r})")
    for problem in problems:
        print(f"http_rules: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"http_rules: {len(current)} methods, each with its own route; released routes unchanged")
    return 0


if __name__ == "__main__":
    sys.exit(main())
