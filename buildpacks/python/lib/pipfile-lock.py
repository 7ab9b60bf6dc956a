"""Prints the "default" packages of a Pipfile.lock as requirements lines (name, extras,
pinned version, environment markers and hashes), so pip installs exactly what is locked,
without pipenv. Usage: python3 pipfile-lock.py Pipfile.lock"""
import json
import sys

with open(sys.argv[1], encoding="utf-8") as f:
    lock = json.load(f)

for name, spec in sorted(lock.get("default", {}).items()):
    extras = "[" + ",".join(spec["extras"]) + "]" if spec.get("extras") else ""
    if "git" in spec:
        ref = "@" + spec["ref"] if spec.get("ref") else ""
        line = f"{name}{extras} @ git+{spec['git']}{ref}"
    elif "path" in spec or "file" in spec:
        target = spec.get("path") or spec.get("file")
        line = ("-e " if spec.get("editable") else "") + target
        print(line)
        continue
    else:
        line = f"{name}{extras}{spec.get('version', '')}"
    if spec.get("markers"):
        line += f" ; {spec['markers']}"
    for digest in spec.get("hashes", []):
        line += f" --hash={digest}"
    print(line)
