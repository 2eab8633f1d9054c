// Package workflow holds the checks that keep the CI workflow
// (.github/workflows/performance-regression.yml) and the Mage targets in
// step: every target it calls exists, every variable it sets is read, its
// matrix is the suite table, and its permissions are least privilege.
package workflow
