import type { ApiRoute } from "../route.js";

/** Asset cards: the card store (`PUT`/`GET /cards/{hash}`), an asset's card versions and their diff, the JSON Schema. */
export const cardRoutes: ApiRoute[] = [];
