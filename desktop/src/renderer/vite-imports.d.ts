/** Vite's query imports used by the renderer. */
declare module '*?worker&url' {
  const url: string;
  export default url;
}
