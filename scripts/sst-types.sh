#!/usr/bin/env bash
# Generates SST's platform types (.sst/platform/config.d.ts and the Pulumi providers it imports)
# when they are missing, so `sst.config.ts` and infra/ can be type-checked on a machine that has
# never deployed. `sst install` only needs the npm registry; nothing here talks to AWS.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -f .sst/platform/config.d.ts ] && [ -d .sst/platform/node_modules/@pulumi/aws ]; then
  exit 0
fi

echo "sst-types: generating .sst/platform (sst install)" >&2
SST_SKIP_DEPENDENCY_CHECK=1 NO_BUN=1 SST_TELEMETRY_DISABLED=1 SST_STAGE="${SST_STAGE:-dev}" \
  node node_modules/sst/bin/sst.mjs install >&2
[ -f .sst/platform/config.d.ts ] || { echo "sst-types: sst install did not write .sst/platform/config.d.ts" >&2; exit 1; }
