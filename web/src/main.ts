import "./style.css";

import { h } from "./dom.js";
import { LANGS, lang, setLang, t, type Lang, type TextKey } from "./i18n.js";
import { arbitratorPage } from "./pages/arbitrator.js";
import { catalogPage } from "./pages/catalog.js";
import { certificatePage } from "./pages/certificate.js";
import { contributorPage } from "./pages/contributor.js";
import { ledgerPage } from "./pages/holderLedger.js";
import type { Page } from "./pages/page.js";

/**
 * The pages behind hash routes (`#/certificate?number=3`): the API server serves this one HTML file
 * at `/`, and a route is a bookmarkable URL without any server-side routing.
 */
const PAGES: Record<string, { page: Page; nav: TextKey }> = {
  certificate: { page: certificatePage, nav: "navCertificate" },
  contributor: { page: contributorPage, nav: "navContributor" },
  arbitrator: { page: arbitratorPage, nav: "navArbitrator" },
  catalog: { page: catalogPage, nav: "navCatalog" },
  ledger: { page: ledgerPage, nav: "navLedger" },
};
const LANG_NAMES: Record<Lang, string> = { en: "English", "zh-CN": "中文（简体）" };

const header = document.getElementById("site-header")!;
const main = document.getElementById("main")!;
let mounted: { name: string; lang: Lang } | undefined;

function route(): { name: string; params: URLSearchParams } {
  const match = /^#\/(\w+)(?:\?(.*))?$/.exec(location.hash);
  const name = match !== null && match[1]! in PAGES ? match[1]! : "certificate";
  return { name, params: new URLSearchParams(match?.[2] ?? "") };
}

function renderHeader(active: string): void {
  const select = h(
    "select",
    { id: "lang-select" },
    ...LANGS.map((code) => h("option", { value: code, lang: code, selected: code === lang() }, LANG_NAMES[code])),
  );
  select.addEventListener("change", () => {
    setLang(select.value as Lang);
    void show();
    document.getElementById("lang-select")?.focus();
  });
  header.replaceChildren(
    h("p", { class: "site-title" }, t("siteTitle")),
    h(
      "nav",
      { "aria-label": t("navLabel") },
      h(
        "ul",
        {},
        ...Object.entries(PAGES).map(([name, { nav }]) =>
          h("li", {}, h("a", { href: `#/${name}`, "aria-current": name === active ? "page" : null }, t(nav))),
        ),
      ),
    ),
    h("div", { class: "lang" }, h("label", { for: "lang-select" }, t("language")), select),
  );
}

async function show(): Promise<void> {
  const { name, params } = route();
  const { page } = PAGES[name]!;
  const fresh = mounted === undefined || mounted.name !== name || mounted.lang !== lang();
  if (fresh) {
    const arrivedByNav = mounted !== undefined && mounted.name !== name;
    mounted = { name, lang: lang() };
    renderHeader(name);
    document.title = `${t(PAGES[name]!.nav)} · ${t("siteTitle")}`;
    page.mount(main);
    // A page reached from the navigation: bring focus to its heading, as a page load would.
    if (arrivedByNav) main.querySelector<HTMLElement>("h1")?.focus();
  }
  await page.update(params);
}

setLang(lang());
window.addEventListener("hashchange", () => void show());
void show();
