#!/usr/bin/env bash
# Records the query strings that the README's "Calling it from a client"
# snippets send, with the real client packages: fetch + URLSearchParams (Node),
# qs (each arrayFormat), axios, vue-api-query, PHP http_build_query and Python
# requests. tests/clients.rs holds what this printed, each line with what the
# query means; run this again after changing a snippet (or to check a new
# client version) and copy the lines over.
#
# Not part of CI: it needs the npm registry, PyPI and (for PHP) apt-get, and
# the strings it prints only change when a client changes.
#
#   bash scripts/record-clients.sh
set -euo pipefail

cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
log() { printf 'record-clients.sh: %s\n' "$*" >&2; }

log "installing qs, axios and vue-api-query in $work"
(cd "$work" && npm init -y >/dev/null &&
    npm install --silent --no-audit --no-fund qs@6.17.1 axios@1.21.1 vue-api-query@1.11.0 @babel/runtime@7 >/dev/null)

cat >"$work/record.mjs" <<'EOF'
import qs from 'qs';
import axios from 'axios';
import vueApiQuery from 'vue-api-query';
import { readFileSync } from 'node:fs';

const show = (client, url) => {
  const query = url.slice(url.indexOf('?') + 1);
  console.log(`${client}\t${query}`);
};
const versions = (name) =>
  JSON.parse(readFileSync(`node_modules/${name}/package.json`, 'utf8')).version;

// fetch + URLSearchParams: one string per list, joined with commas; a value
// with a comma goes in quotes.
{
  const params = new URLSearchParams({
    'filter[status]': ['paid', 'sent'].join(','),
    'filter[number][starts_with]': '"INV-1, corrected"',
    sort: '-amount,number',
    per_page: '5',
  });
  show('fetch+URLSearchParams', `/invoices?${params}`);
}

// qs: every arrayFormat but `repeat` sends lists listquery reads.
const request = {
  filter: { status: ['paid', 'sent'], amount: { between: [100, 500.5] } },
  sort: ['-amount', 'number'],
  page: 2,
};
for (const arrayFormat of ['indices', 'brackets', 'comma', 'repeat']) {
  show(`qs ${versions('qs')} arrayFormat=${arrayFormat}`,
    '?' + qs.stringify(request, { arrayFormat }));
}
show(`qs ${versions('qs')} encodeValuesOnly`, '?' + qs.stringify(request, { encodeValuesOnly: true }));

// axios: `params` as an object.
show(`axios ${versions('axios')}`, axios.getUri({
  url: '/invoices',
  params: { filter: { status: ['paid', 'sent'], number: ['INV-1, corrected'] }, sort: '-amount', limit: 5 },
}));

// vue-api-query: `limit` for the page size, lists joined with commas.
const Model = vueApiQuery.default ?? vueApiQuery.Model ?? vueApiQuery;
class Invoice extends Model {
  baseURL() { return 'http://localhost:8080'; }
  request(config) { return config; }
  resource() { return 'invoices'; }
}
Model.$http = axios;
const built = Invoice.whereIn('status', ['paid', 'sent'])
  .where('number', '"INV-1, corrected"')
  .orderBy('-amount', 'number')
  .limit(5)
  .page(2);
show(`vue-api-query ${versions('vue-api-query')}`, built._builder.query());
EOF
(cd "$work" && node record.mjs)

if ! command -v php >/dev/null; then
    log "installing php-cli with apt-get"
    apt-get install -y -q php-cli >/dev/null
fi
php -r '
$query = http_build_query([
    "filter" => [
        "status" => ["paid", "sent"],
        // One value with a comma: an array element needs no quoting.
        "number" => ["starts_with" => ["INV-1, corrected"]],
        "due_on" => ["null" => true],
    ],
    "sort" => "-amount",
    "per_page" => 5,
], "", "&", PHP_QUERY_RFC3986);
echo "PHP " . PHP_VERSION . " http_build_query\t" . $query . "\n";
'

log "installing requests in a virtualenv"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet requests==2.34.2
"$work/venv/bin/python" - <<'EOF'
import requests
params = {
    "filter[status][]": ["paid", "sent"],
    "filter[number][starts_with]": '"INV-1, corrected"',
    "sort": "-amount",
    "per_page": 5,
}
url = requests.Request("GET", "http://localhost:8080/invoices", params=params).prepare().url
print(f"python requests {requests.__version__}\t{url.split('?', 1)[1]}")
# A list under a plain key repeats the key: listquery answers duplicate_parameter.
url = requests.Request("GET", "http://localhost:8080/invoices", params={"filter[status]": ["paid", "sent"]}).prepare().url
print(f"python requests {requests.__version__} repeated key\t{url.split('?', 1)[1]}")
EOF
