import GeoSpikeIngest
import Testing

/// What an analyst's terminal is shown of text from the data.
@Suite("Terminal-safe text")
struct TerminalTextTests {
    static let hostile = "\u{1B}]0;pwned\u{07}\u{1B}[2J\u{1B}[31mFAKE-OK\u{1B}[0m\r"

    @Test func controlSequencesBecomeVisibleEscapes() {
        #expect(TerminalText.visible(Self.hostile) == #"\e]0;pwned\x07\e[2J\e[31mFAKE-OK\e[0m\r"#)
        #expect(TerminalText.visible("a\nb\tc\u{7F}\u{9B}") == #"a\nb\tc\x7f\x9b"#)
        // Direction overrides reorder what follows on the line ("Trojan Source").
        #expect(TerminalText.visible("abc\u{202E}fed") == #"abc\u{202E}fed"#)
    }

    @Test func ordinaryTextIsUntouched() {
        for text in ["backup01.corp", "Côte d’Ivoire", "東京", "2026-10-05T10:00:00Z … 11:00", "a → b"] {
            #expect(TerminalText.visible(text) == text)
            #expect(TerminalText.isSafe(text))
        }
        #expect(TerminalText.visibleLines("line one\n\tline two\n") == "line one\n\tline two\n")
        #expect(TerminalText.visibleLines("one\r\u{1B}[2K") == #"one\r\e[2K"#)
    }

    @Test func invalidUTF8IsShownByteByByte() {
        #expect(TerminalText.visible(bytes: Array("ok".utf8) + [0xFF, 0xC3] + Array("é".utf8) + [0xE2, 0x82]) == #"ok\xff\xc3é\xe2\x82"#)
        #expect(TerminalText.visible(bytes: Array("\u{1B}[2J".utf8)) == #"\e[2J"#)
    }
}
