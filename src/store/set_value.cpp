// Placeholder until the set family lands (issue 9).
