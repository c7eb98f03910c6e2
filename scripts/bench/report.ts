import { readFile, writeFile } from "node:fs/promises";
import { cpus } from "node:os";

/** One measured figure of a benchmark. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** For rates and ratios; times and counts are better lower (or neutral). */
  higherIsBetter?: boolean;
}

type Baseline = Record<string, Record<string, { value: number; unit: string }>>;

const BASELINE = new URL("../../bench/baseline.json", import.meta.url);

async function readBaseline(): Promise<Baseline> {
  try {
    return JSON.parse(await readFile(BASELINE, "utf8")) as Baseline;
  } catch {
    return {};
  }
}

function format(value: number, unit: string): string {
  const digits = unit === "ratio" ? 2 : value >= 100 ? 0 : 1;
  return `${value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })} ${unit}`;
}

/**
 * Prints a benchmark's figures next to the committed baseline's (`bench/baseline.json`), with the change;
 * `BENCH_SAVE_BASELINE=1` replaces the baseline of this benchmark with this run.
 */
export async function report(benchmark: string, figures: readonly Figure[]): Promise<void> {
  const baseline = await readBaseline();
  const previous = baseline[benchmark] ?? {};
  console.log(`\n${benchmark} benchmark (${cpus().length} cores, ${cpus()[0]?.model ?? "?"})`);
  const rows = figures.map((figure) => {
    const before = previous[figure.name];
    let change = "";
    if (before !== undefined && before.value !== 0) {
      const ratio = figure.value / before.value;
      const better = figure.higherIsBetter === undefined ? undefined : figure.higherIsBetter ? ratio >= 1 : ratio <= 1;
      change = `${ratio >= 1 ? "+" : ""}${((ratio - 1) * 100).toFixed(1)}%${better === undefined ? "" : better ? " (better)" : " (worse)"}`;
    }
    return [figure.name, format(figure.value, figure.unit), before === undefined ? "-" : format(before.value, before.unit), change];
  });
  const header = ["figure", "this run", "baseline", "change"];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join("  ");
  console.log(line(header));
  for (const row of rows) console.log(line(row));
  if (process.env.BENCH_SAVE_BASELINE === "1") {
    baseline[benchmark] = Object.fromEntries(figures.map((f) => [f.name, { value: f.value, unit: f.unit }]));
    await writeFile(BASELINE, JSON.stringify(baseline, null, 2) + "\n");
    console.log(`saved as the baseline in bench/baseline.json`);
  }
}
