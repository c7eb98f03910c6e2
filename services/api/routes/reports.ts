import type { ApiRoute } from "../route.js";

/** The asset catalog (目录) and a holder's ledger (台账) for an accounting period, as JSON, CSV and .xlsx. */
export const reportRoutes: ApiRoute[] = [];
