// Test helper for tests/test_ajv.py: the shipped schemas as ajv sees them with its default options.
//
// Usage: node ajv_check.mjs SCHEMA_DIR [NAME,NAME...] < requests.jsonl > answers.jsonl
//
// With a list of names, only those schemas are compiled (ajv takes about 30 s for all of them).
//
// First it compiles every SCHEMA_DIR/*.json with a fresh `new Ajv2020()` (no options at all), and
// once more with `{strict: true}` (every strict check an error, strictTypes and strictRequired
// included), and writes one line:
//   {"ajv": version, "unicode": node's Unicode version, "compiled": [names],
//    "failed": {name: message}, "strict_failed": {name: message}, "warnings": [messages]}
// "warnings" holds everything ajv printed through console.log/warn/error while compiling: strict
// findings that are not errors are only logged, so they are captured here instead.
// Then it reads one JSON request per line, {"schema": name, "instance": value}, and writes one
// answer per line, {"valid": bool, "errors": [{"instancePath", "keyword"}]}, in the same order,
// validating with the default-options compilation.

import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { createInterface } from "node:readline";

import Ajv2020 from "ajv/dist/2020.js";

const version = createRequire(import.meta.url)("ajv/package.json").version;
const dir = process.argv[2];
const only = process.argv[3] ? new Set(process.argv[3].split(",")) : null;
const warnings = [];
for (const level of ["log", "warn", "error"]) {
  console[level] = (...args) => warnings.push(`${level}: ${args.map(String).join(" ")}`);
}

const message = (err) => String(err && err.message ? err.message : err);
const validators = new Map();
const compiled = [];
const failed = {};
const strictFailed = {};
for (const file of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
  const name = file.slice(0, -".json".length);
  if (only !== null && !only.has(name)) continue;
  const text = readFileSync(join(dir, file), "utf8");
  try {
    validators.set(name, new Ajv2020().compile(JSON.parse(text)));
    compiled.push(name);
  } catch (err) {
    failed[name] = message(err);
  }
  try {
    new Ajv2020({ strict: true }).compile(JSON.parse(text));
  } catch (err) {
    strictFailed[name] = message(err);
  }
}
const header = { ajv: version, unicode: process.versions.unicode, compiled, failed, warnings };
process.stdout.write(JSON.stringify({ ...header, strict_failed: strictFailed }) + "\n");

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (line.trim() === "") continue;
  const { schema, instance } = JSON.parse(line);
  const validate = validators.get(schema);
  let answer;
  if (validate === undefined) {
    answer = { valid: null, errors: [{ instancePath: "", keyword: `no compiled schema ${schema}` }] };
  } else {
    const valid = validate(instance);
    const errors = (validate.errors || []).map((e) => ({ instancePath: e.instancePath, keyword: e.keyword }));
    answer = { valid, errors };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
}
