// Reference texts for bench/extract.py: Mozilla Readability's article text of each page.
//
//     npm install @mozilla/readability@0.6 jsdom@24
//     node bench/gold.mjs PAGES_DIR OUT_DIR
//
// The pages of mozilla/readability's test suite come with the output Readability itself
// must produce (expected.html); this writes that text for any folder of pages, as
// NAME.txt, one paragraph per line. A page Readability finds no article in is skipped.
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from "node:fs";
import { join, basename } from "node:path";
import { JSDOM, VirtualConsole } from "jsdom";
import { Readability } from "@mozilla/readability";

const [pages, out] = process.argv.slice(2);
mkdirSync(out, { recursive: true });
const quiet = new VirtualConsole();
let written = 0;
for (const name of readdirSync(pages).filter((n) => n.endsWith(".html")).sort()) {
  const html = readFileSync(join(pages, name), "utf8");
  const dom = new JSDOM(html, { url: "http://fakehost/test/page.html", virtualConsole: quiet });
  const article = new Readability(dom.window.document).parse();
  if (!article || !article.content) continue;
  const body = new JSDOM(article.content).window.document.body;
  const blocks = [...body.querySelectorAll("p, li, h1, h2, h3, h4, h5, h6, pre, blockquote, td, figcaption")]
    .filter((el) => !el.querySelector("p, li, pre, blockquote, td"))
    .map((el) => el.textContent.replace(/\s+/g, " ").trim())
    .filter((t) => t);
  writeFileSync(join(out, basename(name, ".html") + ".txt"), blocks.join("\n") + "\n");
  written += 1;
}
console.log(`${written} reference texts in ${out}`);
