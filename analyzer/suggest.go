package analyzer

import (
	"fmt"
	"slices"
)

// didYouMean returns `; did you mean "x"?` for the candidate nearest to
// word, when one is near enough to be a likely misspelling, else "".
func didYouMean(word string, candidates []string) string {
	best, bestDist := "", 0
	for _, c := range slices.Sorted(slices.Values(candidates)) {
		d := editDistance(word, c)
		if best == "" || d < bestDist {
			best, bestDist = c, d
		}
	}
	// A third of the word, at least one edit: "kernels", "spec_files",
	// "requries" are near; "target" is not near "kernel".
	if best == "" || bestDist > max(1, len(word)/3) {
		return ""
	}
	return fmt.Sprintf("; did you mean %q?", best)
}

// editDistance is the Levenshtein distance between a and b, by byte.
func editDistance(a, b string) int {
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
