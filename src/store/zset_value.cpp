// Placeholder until the zset family lands (issue 9).
