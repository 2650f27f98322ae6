import type * as PdfJs from 'pdfjs-dist';
import type { PDFDocumentProxy } from 'pdfjs-dist';
// The worker, bundled by Vite as a script of this origin (the CSP allows no other).
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?worker&url';

let ready: Promise<typeof PdfJs> | null = null;

/** pdf.js, loaded on first use (it is large), with its worker set. */
function pdfjs(): Promise<typeof PdfJs> {
  ready ??= import('pdfjs-dist').then((lib) => {
    lib.GlobalWorkerOptions.workerSrc = workerUrl;
    return lib;
  });
  return ready;
}

/** Open a PDF from a local API URL (pdf.js asks for byte ranges as it needs them). */
export async function loadPdf(url: string): Promise<PDFDocumentProxy> {
  const lib = await pdfjs();
  return lib.getDocument({
    url,
    // No eval and no WebAssembly: the page's CSP allows neither.
    isEvalSupported: false,
    useWasm: false,
    enableXfa: false,
  }).promise;
}
