#!/usr/bin/env bash
# Generates SST's platform types (.sst/platform/config.d.ts and the Pulumi providers it imports)
# when they are missing, so `sst.config.ts` and infra/ can be type-checked on a machine that has
# never deployed. `sst install` only needs the npm registry; nothing here talks to AWS.
set -euo pipefail
cd "$(dirname "$0")/.."

# Regenerate when missing, or when the installed sst differs from the one that generated them.
want="$(node -p "require('./node_modules/sst/package.json').version")"
have="$(cat .sst/platform/version 2>/dev/null || true)"
if [ -f .sst/platform/config.d.ts ] && [ -d .sst/platform/node_modules/@pulumi/aws ] && [ "$want" = "$have" ]; then
  exit 0
fi

echo "sst-types: generating .sst/platform (sst install)" >&2
SST_SKIP_DEPENDENCY_CHECK=1 NO_BUN=1 SST_TELEMETRY_DISABLED=1 SST_STAGE="${SST_STAGE:-dev}" \
  node node_modules/sst/bin/sst.mjs install >&2
[ -f .sst/platform/config.d.ts ] || { echo "sst-types: sst install did not write .sst/platform/config.d.ts" >&2; exit 1; }
