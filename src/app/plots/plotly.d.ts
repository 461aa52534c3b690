// plotly.js-basic-dist-min ships no types; it is the same API as @types/plotly.js describes (a UMD bundle whose
// module.exports is the Plotly object), restricted at run time to scatter, bar and pie traces.
declare module 'plotly.js-basic-dist-min' {
  import * as Plotly from 'plotly.js';
  export default Plotly;
}
