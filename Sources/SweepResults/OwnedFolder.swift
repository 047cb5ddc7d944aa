import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether a folder is gradsweep's to write, replace or resume, and removal that can
/// only ever delete what gradsweep made.
///
/// A results folder is gradsweep's when its `manifest.json` is a regular file that
/// reads as a manifest. A missing or empty folder (lock files aside) may become one.
/// Anything else — a folder of the user's, a symbolic link — is never written into,
/// locked or deleted: nothing outside gradsweep's own folders is ever touched.
package enum OwnedFolder {
  package enum State: Equatable, Sendable {
    /// Nothing there: gradsweep creates it.
    case absent
    /// A real, empty folder (lock files aside): gradsweep may fill it.
    case empty
    /// A results folder with a readable manifest.
    case results
    /// Not gradsweep's (the reason says why): refused for every command that writes.
    case foreign(String)
  }

  /// Names gradsweep itself writes at the top of a results folder; `--force` removes
  /// these and nothing else.
  package static let ownNames: Set<String> = [
    ResultsLayout.sweepFile, ResultsLayout.manifestFile, ResultsLayout.summaryFile, ResultsLayout.reportMarkdownFile,
    ResultsLayout.reportHTMLFile, ResultsLayout.reportFindingImage, ResultsLayout.provenanceFile,
    ResultsLayout.runsFolderName, ResultsLayout.plotsFolderName,
  ]

  /// What `root` is, without following a symbolic link at `root` itself.
  package static func state(of root: URL) -> State {
    var info = stat()
    guard lstat(root.path, &info) == 0 else { return .absent }
    if (info.st_mode & S_IFMT) == S_IFLNK {
      return .foreign("it is a symbolic link (gradsweep never writes or deletes through links)")
    }
    guard (info.st_mode & S_IFMT) == S_IFDIR else { return .foreign("it is not a folder") }
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? [])
      .filter { !$0.hasPrefix(".gradsweep.lock") }
    if names.isEmpty { return .empty }
    let manifest = root.appendingPathComponent(ResultsLayout.manifestFile)
    guard lstat(manifest.path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
      return .foreign("it has no manifest.json, so gradsweep did not make it")
    }
    do {
      _ = try SweepManifest.read(from: manifest)
      return .results
    } catch {
      return .foreign("its manifest.json is not a gradsweep manifest")
    }
  }

  /// Removes gradsweep's own entries of a results folder (`ownNames`, and stale
  /// temporary files `.NAME.tmp-*` of those names); returns the names it kept. Never
  /// follows a symbolic link: a link is removed as a link, its target untouched.
  package static func removeOwnEntries(of root: URL) throws -> [String] {
    var kept: [String] = []
    for name in try FileManager.default.contentsOfDirectory(atPath: root.path) {
      if name.hasPrefix(".gradsweep.lock") { continue }
      let isOwnTemporary = ownNames.contains { name.hasPrefix(".\($0).tmp-") }
      guard ownNames.contains(name) || isOwnTemporary else {
        kept.append(name)
        continue
      }
      try removeWithoutFollowingLinks(root.appendingPathComponent(name))
    }
    return kept.sorted()
  }

  /// Deletes `url`: a folder's contents depth first, then the folder; a symbolic link
  /// or any other entry is unlinked, so nothing a link points to is ever touched.
  package static func removeWithoutFollowingLinks(_ url: URL) throws {
    var info = stat()
    guard lstat(url.path, &info) == 0 else {
      if errno == ENOENT { return }
      throw ResultsError.cannotWrite(path: url.path, reason: String(cString: strerror(errno)))
    }
    if (info.st_mode & S_IFMT) == S_IFDIR {
      for name in try FileManager.default.contentsOfDirectory(atPath: url.path) {
        try removeWithoutFollowingLinks(url.appendingPathComponent(name))
      }
      guard rmdir(url.path) == 0 else {
        throw ResultsError.cannotWrite(path: url.path, reason: String(cString: strerror(errno)))
      }
    } else if unlink(url.path) != 0 && errno != ENOENT {
      throw ResultsError.cannotWrite(path: url.path, reason: String(cString: strerror(errno)))
    }
  }
}
