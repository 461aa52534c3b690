// Preloaded into a koopscope child process by test/cli/hostile.test.ts (node --require): on exit, writes the
// process's peak resident set size in kilobytes to the file named by KOOPSCOPE_TEST_RSS_FILE.
process.on('exit', () => {
  require('node:fs').writeFileSync(process.env.KOOPSCOPE_TEST_RSS_FILE, String(process.resourceUsage().maxRSS));
});
