#!/usr/bin/env bash
# databases.sh INI: creates the CKAN and DataStore databases and users named in
# INI (when they live in the local cluster), applies every migration (core,
# activity, this extension) and sets the DataStore permissions. Idempotent.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
INI="${1:?usage: databases.sh INI}"
CKAN="$VENV/bin/ckan"

# user password dbname for each URL the ini (or the CKAN_* env vars) name.
read_urls() {
  "$VENV/bin/python" - "$INI" <<'PY'
import configparser, os, sys
from sqlalchemy.engine import make_url
def section(path):
    # An ini's [app:main] over the one its `use = config:` names.
    cp = configparser.ConfigParser(interpolation=None, strict=False)
    cp.read(path)
    own = dict(cp["app:main"])
    base = own.pop("use", "")
    if not base.startswith("config:"):
        return own
    return {**section(os.path.join(os.path.dirname(path), base[len("config:"):])), **own}
main = section(sys.argv[1])
keys = {"sqlalchemy.url": "CKAN_SQLALCHEMY_URL", "ckan.datastore.write_url": "CKAN_DATASTORE_WRITE_URL",
        "ckan.datastore.read_url": "CKAN_DATASTORE_READ_URL"}
for key, env in keys.items():
    url = make_url(os.environ.get(env) or main[key])
    print(key, url.username, url.password or "", url.database)
PY
}

ensure_role() {
  local user=$1 pass=$2
  as_postgres psql -qtAX -v ON_ERROR_STOP=1 -v u="$user" -v p="$pass" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'u', :'p')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'u') \gexec
SELECT format('ALTER ROLE %I LOGIN PASSWORD %L', :'u', :'p') \gexec
SQL
}

ensure_db() {
  local db=$1 owner=$2
  as_postgres psql -qtAX -v ON_ERROR_STOP=1 -v d="$db" -v o="$owner" <<'SQL'
SELECT format('CREATE DATABASE %I OWNER %I ENCODING ''UTF8'' TEMPLATE template0', :'d', :'o')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'d') \gexec
SQL
}

if external CKAN_SQLALCHEMY_URL; then
  say "databases: CKAN_SQLALCHEMY_URL is set, not creating databases or users (your own PostgreSQL)"
else
  declare -A owner=()
  while read -r key user pass db; do
    ensure_role "$user" "$pass"
    case $key in
      sqlalchemy.url) ensure_db "$db" "$user"; owner[main]=$user ;;
      ckan.datastore.write_url) ensure_db "$db" "$user" ;;
    esac
  done < <(read_urls)
  say "databases: users and databases of $INI present"
fi

say "databases: applying migrations (core and plugins) for $INI"
"$CKAN" -c "$INI" db upgrade >/dev/null

if external CKAN_DATASTORE_WRITE_URL; then
  say "datastore: external DataStore, run \`ckan -c $INI datastore set-permissions | psql\` as its superuser once"
else
  "$CKAN" -c "$INI" datastore set-permissions | PGOPTIONS="--client-min-messages=warning" as_postgres psql -qtAX -v ON_ERROR_STOP=1 >/dev/null
  say "datastore: permissions set"
fi
