/// A sweep's `zip` group as one report axis.
///
/// The fields of a zip group vary in step (`model.activation`, `model.initializer`,
/// `model.normalization`, … read one column at a time), so grouping a report by one
/// of them alone would average different networks together — plain sigmoid with
/// sigmoid + batch norm — and every table or chart that holds "the other axes" fixed
/// would drop most of the group. The report therefore treats the group as one axis
/// whose values are its combinations.
///
/// Names: the axis is its members' paths joined by " + ". A value's label is the
/// first member's value, then `field=value` for each other member whose value differs
/// from that member's most common value across the combinations (ties: the first
/// listed), e.g. `sigmoid`, `relu · initializer=he_normal`, `sigmoid · normalization=batch`.
/// Labels are unique: two combinations differ in some member, and at that member at
/// least one of them shows its value.
struct CombinedAxis: Sendable, Equatable {
  static let separator = " + "

  let name: String
  let members: [String]
  /// Labels in sweep order (first appearance).
  let values: [String]
  private let labels: [[String]: String]

  /// `combinations`: each member's value, in member order, in sweep order; repeats ignored.
  init(members: [String], combinations: [[String]]) {
    self.members = members
    name = members.joined(separator: Self.separator)
    var distinct: [[String]] = []
    var seen = Set<[String]>()
    for combination in combinations where seen.insert(combination).inserted { distinct.append(combination) }
    // Each member's most common value; a tie goes to the value listed first.
    let usual: [String] = members.indices.map { m in
      var counts: [String: Int] = [:]
      for combination in distinct { counts[combination[m], default: 0] += 1 }
      var best = (value: "", count: 0)
      for combination in distinct where counts[combination[m]]! > best.count {
        best = (combination[m], counts[combination[m]]!)
      }
      return best.value
    }
    var labels: [[String]: String] = [:]
    for combination in distinct {
      var parts = [combination.first ?? ""]
      for m in members.indices.dropFirst() where combination[m] != usual[m] {
        parts.append("\(Self.fieldName(members[m]))=\(combination[m])")
      }
      labels[combination] = parts.joined(separator: " · ")
    }
    self.labels = labels
    values = distinct.map { labels[$0]! }
  }

  /// The label of the run whose member values `lookup` gives ("" when a member is absent).
  func label(_ lookup: (String) -> String?) -> String {
    let combination = members.map { lookup($0) ?? "" }
    return labels[combination] ?? combination.joined(separator: " · ")
  }

  /// "model.normalization" → "normalization".
  static func fieldName(_ path: String) -> String {
    path.split(separator: ".").last.map(String.init) ?? path
  }
}
