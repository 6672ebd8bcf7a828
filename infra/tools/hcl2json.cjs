#!/usr/bin/env node
// Prints the JSON form of one HCL (Terraform) file, parsed by @cdktf/hcl2json (installed into
// infra/tools/node_modules by .ci/run). Exit 1 with the parser's message on a syntax error.
// Usage: node infra/tools/hcl2json.cjs FILE.tf
'use strict';
const fs = require('fs');
const path = require('path');
const { parse } = require(path.join(__dirname, 'node_modules', '@cdktf', 'hcl2json'));

const file = process.argv[2];
if (!file) {
  console.error('usage: hcl2json.cjs FILE.tf');
  process.exit(2);
}
parse(path.basename(file), fs.readFileSync(file, 'utf8')).then(
  (json) => process.stdout.write(JSON.stringify(json) + '\n'),
  (err) => {
    console.error(String(err && err.message ? err.message : err));
    process.exit(1);
  });
