// Placeholder until the hash family lands (issue 9).
