#!/usr/bin/env python3
"""Renders the API reference (docs/api.md) from the comments of proto/.

Reads a buf image in JSON (`buf build -o image.json`), which carries every
file's descriptors and source comments, and writes Markdown: each file's
services with their methods, then its messages with every field, then its
enums. Only the standard library is used.

    api_docs.py IMAGE.json > docs/api.md
"""
import json
import sys

# Paths inside a FileDescriptorProto (descriptor.proto field numbers).
MESSAGE, ENUM, SERVICE = 4, 5, 6
FIELD, NESTED, NESTED_ENUM = 2, 3, 4
METHOD, VALUE = 2, 2

TYPES = {
    "TYPE_DOUBLE": "double", "TYPE_FLOAT": "float", "TYPE_INT64": "int64",
    "TYPE_UINT64": "uint64", "TYPE_INT32": "int32", "TYPE_FIXED64": "fixed64",
    "TYPE_FIXED32": "fixed32", "TYPE_BOOL": "bool", "TYPE_STRING": "string",
    "TYPE_BYTES": "bytes", "TYPE_UINT32": "uint32", "TYPE_SFIXED32": "sfixed32",
    "TYPE_SFIXED64": "sfixed64", "TYPE_SINT32": "sint32", "TYPE_SINT64": "sint64",
}


def comments(file):
    """Leading (else trailing) comment of each path, as text."""
    found = {}
    for location in file.get("sourceCodeInfo", {}).get("location", []):
        text = location.get("leadingComments") or location.get("trailingComments")
        if text:
            lines = [line[1:] if line.startswith(" ") else line for line in text.split("\n")]
            found[tuple(location.get("path", []))] = "\n".join(lines).strip()
    return found


def anchor(full_name):
    return full_name.replace(".", "").replace("/", "").lower()


def link(type_name):
    name = type_name.lstrip(".")
    if name.startswith("bilateral."):
        return f"[`{name}`](#{anchor(name)})"
    return f"`{name}`"


def field_type(field):
    if field.get("type") in ("TYPE_MESSAGE", "TYPE_ENUM"):
        kind = link(field["typeName"])
    else:
        kind = f"`{TYPES.get(field.get('type'), field.get('type'))}`"
    if field.get("label") == "LABEL_REPEATED":
        kind = f"repeated {kind}"
    elif field.get("proto3Optional"):
        kind = f"optional {kind}"
    return kind


def cell(text):
    return " ".join(text.split()).replace("|", "\\|")


def write_enum(out, enum, prefix, path, notes):
    name = f"{prefix}.{enum['name']}"
    out.append(f"### {name}\n")
    if notes.get(path):
        out.append(notes[path] + "\n")
    out.append("| value | number | meaning |\n|---|---|---|")
    for i, value in enumerate(enum.get("value", [])):
        meaning = cell(notes.get(path + (VALUE, i), ""))
        out.append(f"| `{value['name']}` | {value.get('number', 0)} | {meaning} |")
    out.append("")


def write_message(out, message, prefix, path, notes):
    name = f"{prefix}.{message['name']}"
    out.append(f"### {name}\n")
    if notes.get(path):
        out.append(notes[path] + "\n")
    fields = message.get("field", [])
    if fields:
        out.append("| field | number | type | description |\n|---|---|---|---|")
        for i, field in enumerate(fields):
            description = cell(notes.get(path + (FIELD, i), ""))
            out.append(f"| `{field['name']}` | {field['number']} | {field_type(field)} | "
                       f"{description} |")
    else:
        out.append("No fields.")
    out.append("")
    for i, nested in enumerate(message.get("nestedType", [])):
        if nested.get("options", {}).get("mapEntry"):
            continue
        write_message(out, nested, name, path + (NESTED, i), notes)
    for i, enum in enumerate(message.get("enumType", [])):
        write_enum(out, enum, name, path + (NESTED_ENUM, i), notes)


def main():
    with open(sys.argv[1], encoding="utf-8") as source:
        image = json.load(source)
    files = sorted((f for f in image["file"] if f["name"].startswith("bilateral/")),
                   key=lambda f: f["name"])
    out = ["# bilateral API reference", "",
           "Generated from the comments in `proto/` by `scripts/api_docs.sh`; do not edit.",
           "Package `bilateral.v1`. Errors carry `google.rpc.BadRequest` and",
           "`google.rpc.ErrorInfo` details (see `proto/google/rpc/`).", ""]
    out.append("## Contents\n")
    for file in files:
        out.append(f"- [`{file['name']}`](#{anchor(file['name'])})")
    out.append("")
    for file in files:
        notes = comments(file)
        package = file.get("package", "")
        out.append(f"## {file['name']}\n")
        for i, service in enumerate(file.get("service", [])):
            full = f"{package}.{service['name']}"
            out.append(f"### {full}\n")
            if notes.get((SERVICE, i)):
                out.append(notes[(SERVICE, i)] + "\n")
            for j, method in enumerate(service.get("method", [])):
                request = link(method["inputType"])
                response = link(method["outputType"])
                if method.get("clientStreaming"):
                    request = f"stream {request}"
                if method.get("serverStreaming"):
                    response = f"stream {response}"
                out.append(f"#### {method['name']}\n")
                out.append(f"`rpc {method['name']}` ({request}) returns ({response})\n")
                rule = method.get("options", {}).get("[google.api.http]")
                if rule:
                    verb = next(v for v in ("get", "put", "post", "delete", "patch") if v in rule)
                    body = f", body `{rule['body']}`" if rule.get("body") else ""
                    out.append(f"HTTP/JSON: `{verb.upper()} {rule[verb]}`{body}\n")
                if notes.get((SERVICE, i, METHOD, j)):
                    out.append(notes[(SERVICE, i, METHOD, j)] + "\n")
        for i, message in enumerate(file.get("messageType", [])):
            write_message(out, message, package, (MESSAGE, i), notes)
        for i, enum in enumerate(file.get("enumType", [])):
            write_enum(out, enum, package, (ENUM, i), notes)
    sys.stdout.write("\n".join(out).rstrip("\n") + "\n")


if __name__ == "__main__":
    main()
