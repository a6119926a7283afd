// Mocha's spec reporter plus the plain closing line CI reads: "N passed, N failed".
// When KUBIFY_TEST_COUNTS is set, the counts are also written there as JSON so
// test/run.sh can add the Python suite's numbers to one closing line.
'use strict';
const fs = require('node:fs');
const Mocha = require('mocha');

class KubifyReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const { passes, failures, pending } = runner.stats;
      const file = process.env.KUBIFY_TEST_COUNTS;
      if (file) {
        fs.writeFileSync(file, JSON.stringify({ passed: passes, failed: failures, skipped: pending }));
      } else {
        process.stdout.write(
          `\n${passes} passed, ${failures} failed${pending ? `, ${pending} skipped` : ''}\n`,
        );
      }
    });
  }
}

module.exports = KubifyReporter;
