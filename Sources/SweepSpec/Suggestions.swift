// "Did you mean …?" for misspelt keys, names and axis paths.

enum Suggestions {
  /// Edit distance between `a` and `b`, compared case-insensitively: the fewest
  /// single-character insertions, deletions, substitutions and transpositions of two
  /// neighbours (optimal string alignment) that turn one into the other, so the common
  /// typos `widht` and `sigmiod` are one edit away. O(|a|·|b|) time.
  static func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.lowercased().unicodeScalars)
    let b = Array(b.lowercased().unicodeScalars)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { d[i][0] = i }
    for j in 0...b.count { d[0][j] = j }
    for i in 1...a.count {
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
        if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
          d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
        }
      }
    }
    return d[a.count][b.count]
  }

  /// The candidate closest to `word`, if it is close enough to be a likely typo. The
  /// allowance grows with the part of the word after the prefix it shares with the
  /// candidate: at most max(1, ⌊rest/3⌋, ⌊|word|/4⌋) edits, capped at 3. So `sigmiod` →
  /// `sigmoid` and `lerning_rate` → `learning_rate`, but `model.width` does not suggest
  /// `model.depth` (the shared `model.` is no evidence). Ties go to the earlier candidate.
  /// Failing that, a candidate that the word begins (`final_val_acc` → `final_val_accuracy`).
  static func closest(to word: String, among candidates: [String]) -> String? {
    let wordLength = word.unicodeScalars.count
    var best: (name: String, distance: Int)?
    var completion: String?
    for candidate in candidates where candidate != word {
      let shared = zip(word.lowercased().unicodeScalars, candidate.lowercased().unicodeScalars)
        .prefix { $0 == $1 }.count
      let limit = min(3, max(1, (wordLength - shared) / 3, wordLength / 4))
      let distance = editDistance(word, candidate)
      if distance <= limit, distance < (best?.distance ?? .max) {
        best = (candidate, distance)
      }
      // A truncated name (`final_val_acc`) suggests its completion.
      if completion == nil, wordLength >= 4, shared == wordLength { completion = candidate }
    }
    return best?.name ?? completion
  }

  /// ` (did you mean 'x'?)` or the empty string.
  static func didYouMean(_ word: String, among candidates: [String]) -> String {
    closest(to: word, among: candidates).map { " (did you mean '\($0)'?)" } ?? ""
  }

  /// `a, b, c` for notes listing accepted names.
  static func list(_ names: [String]) -> String {
    names.joined(separator: ", ")
  }
}
