import { extendZodWithOpenApi } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";

// Once, before any schema is built: `.openapi(...)` on zod schemas, for the generated document.
extendZodWithOpenApi(z);

export { z };
