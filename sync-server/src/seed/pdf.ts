/** One page of a generated PDF: a heading and a few lines of text under it. */
export interface PdfPage {
  heading: string;
  lines?: string[];
}

/** Text as a PDF string literal in WinAnsi (Latin-1) bytes: backslashes and parentheses escaped, other characters '?'. */
function pdfString(text: string): string {
  const latin1 = [...text].map((c) => (c.charCodeAt(0) <= 0xff && c.length === 1 ? c : '?')).join('');
  return `(${latin1.replace(/[\\()]/g, (c) => `\\${c}`).replace(/[\r\n]+/g, ' ')})`;
}

const WIDTH = 640;
const HEIGHT = 360;

/** The drawing of one slide: a coloured band with the heading, then the lines below it. */
function pageContent(page: PdfPage, index: number, count: number): string {
  const ops = [
    '0.11 0.29 0.55 rg',
    `0 ${HEIGHT - 90} ${WIDTH} 90 re f`,
    `BT /F2 28 Tf 1 1 1 rg 36 ${HEIGHT - 58} Td ${pdfString(page.heading)} Tj ET`,
  ];
  (page.lines ?? []).forEach((line, i) => {
    ops.push(`BT /F1 18 Tf 0.1 0.1 0.1 rg 44 ${HEIGHT - 140 - i * 32} Td ${pdfString(line)} Tj ET`);
  });
  ops.push(
    `BT /F1 11 Tf 0.35 0.35 0.35 rg ${WIDTH - 70} 20 Td ${pdfString(`${index + 1} / ${count}`)} Tj ET`,
  );
  return ops.join('\n');
}

/**
 * A small, valid PDF of 16:9 slides (640×360 pt), one page each, with Helvetica text; the cross-reference table's
 * offsets are computed. Enough for the demo's slides lessons and for tests.
 */
export function slidesPdf(pages: PdfPage[]): Buffer {
  if (pages.length === 0) throw new Error('A PDF needs at least one page');
  const fonts = 3 + pages.length * 2;
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [${pages.map((_, i) => `${3 + i * 2} 0 R`).join(' ')}] /Count ${pages.length} >>`,
  ];
  pages.forEach((page, i) => {
    const content = Buffer.from(pageContent(page, i, pages.length), 'latin1');
    objs.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${WIDTH} ${HEIGHT}] /Contents ${4 + i * 2} 0 R ` +
        `/Resources << /Font << /F1 ${fonts} 0 R /F2 ${fonts + 1} 0 R >> >> >>`,
      `<< /Length ${content.length} >>\nstream\n${content.toString('latin1')}\nendstream`,
    );
  });
  objs.push(
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>',
  );
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) out += `${String(off).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}
