/// JSON arrays for the `--json` outputs, whose elements are already serialised JSON
/// (objects from `JSONLine`, numbers, `null`).
enum JSONArray {
    /// `[e1,e2,…]`, one element per item.
    static func of<S: Sequence>(_ items: S, _ element: (S.Element) -> String) -> String {
        "[" + items.map(element).joined(separator: ",") + "]"
    }
}
