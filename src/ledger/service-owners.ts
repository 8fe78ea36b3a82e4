/**
 * The service_owners table: which repositories a service is bound to. Storage only: who may bind
 * or change a binding is decided in the release layer (release/service-owner.ts).
 */
import type { Row, SqlConnection } from './connection.ts';
import type { ServiceOwnerLedger, ServiceOwnerRecord } from './types.ts';

const COLUMNS = 'service, repos, bound_at, updated_at';

const SELECT_SERVICE_OWNER = `SELECT ${COLUMNS} FROM service_owners WHERE service = $service` as const;

/** Returns a row only when the service was not bound. */
const BIND_SERVICE =
  `INSERT INTO service_owners (${COLUMNS}) VALUES ($service, $repos, $bound_at, $updated_at)
ON CONFLICT (service) DO NOTHING
RETURNING ${COLUMNS}` as const;

const SET_SERVICE_REPOSITORIES = `UPDATE service_owners SET repos = $repos, updated_at = $updated_at
WHERE service = $service
RETURNING ${COLUMNS}` as const;

/** The bindings over `connection`: a ledger's, or one of its transactions' (connection.ts, within). */
export function serviceOwnerStore(connection: SqlConnection): ServiceOwnerLedger {
  return {
    serviceOwner: (service) => selectServiceOwner(connection, service),
    bindService: (service, repos, now) => bindService(connection, service, repos, now),
    setServiceRepositories: (service, repos, now) => setServiceRepositories(connection, service, repos, now),
  };
}

export async function selectServiceOwner(
  connection: SqlConnection,
  service: string,
): Promise<ServiceOwnerRecord | null> {
  const [row] = await connection.query(SELECT_SERVICE_OWNER, { service });
  return row ? toServiceOwner(row) : null;
}

/** Binds the service unless it is bound; the binding in force afterwards, whoever made it. */
export async function bindService(
  connection: SqlConnection,
  service: string,
  repos: readonly string[],
  now: number,
): Promise<ServiceOwnerRecord> {
  return connection.transaction(async (session) => {
    const [bound] = await session.query(BIND_SERVICE, {
      service,
      repos: JSON.stringify(repos),
      bound_at: now,
      updated_at: now,
    });
    const [row] = bound ? [bound] : await session.query(SELECT_SERVICE_OWNER, { service });
    if (!row) throw new Error(`service ${service} is neither bound nor free to bind`);
    return toServiceOwner(row);
  });
}

export async function setServiceRepositories(
  connection: SqlConnection,
  service: string,
  repos: readonly string[],
  now: number,
): Promise<ServiceOwnerRecord | null> {
  const [row] = await connection.query(SET_SERVICE_REPOSITORIES, {
    repos: JSON.stringify(repos),
    updated_at: now,
    service,
  });
  return row ? toServiceOwner(row) : null;
}

function toServiceOwner(row: Row): ServiceOwnerRecord {
  const repos: unknown = JSON.parse(String(row.repos));
  return {
    service: String(row.service),
    repos: Array.isArray(repos) ? repos.map(String) : [],
    boundAt: Number(row.bound_at),
    updatedAt: Number(row.updated_at),
  };
}
