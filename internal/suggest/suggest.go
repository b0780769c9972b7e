// Package suggest finds the name a user probably meant when they
// misspelt one: a configuration key, a directive, a setting.
package suggest

import (
	"fmt"
	"slices"
)

// Nearest returns the candidate nearest to word by edit distance, when it
// is near enough to be a likely misspelling: within a third of the word's
// length, and at least one edit. "kernels" and "spec_files" are near
// "kernel" and "spec-files"; "target" is near nothing.
func Nearest(word string, candidates []string) (string, bool) {
	best, bestDist := "", 0
	for _, c := range slices.Sorted(slices.Values(candidates)) {
		if d := distance(word, c); best == "" || d < bestDist {
			best, bestDist = c, d
		}
	}
	if best == "" || bestDist > max(1, len(word)/3) {
		return "", false
	}
	return best, true
}

// DidYouMean returns `; did you mean "x"?` for the nearest candidate, or "".
func DidYouMean(word string, candidates []string) string {
	if c, ok := Nearest(word, candidates); ok {
		return fmt.Sprintf("; did you mean %q?", c)
	}
	return ""
}

// distance is the Levenshtein distance between a and b, by byte.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
