/**
 * Text that someone from the public wrote, as staff pages show it. Two things keep it from
 * disguising itself or the page around it:
 *
 * - isolation: `<bdi dir="auto">` inline and `dir="auto"` blocks, so right-to-left text keeps its
 *   direction inside its box and cannot reorder the labels and links next to it;
 * - neutralised direction controls: isolation does not stop an override *inside* the text
 *   (U+202E turns "gnp.exe" into "exe.png" on screen), so every embedding, override and isolate
 *   character is replaced by a visible marker such as "⟨U+202E⟩". The invisible marks
 *   (U+200E, U+200F, U+061C) have a real use in right-to-left writing and are kept there; in
 *   text with no right-to-left letters they can only move digits and punctuation around (the
 *   groups of a phone number), so they are shown too.
 */

const CONTROLS = /[\u202A-\u202E\u2066-\u2069]/u;
const MARKS = /[\u200E\u200F\u061C]/u;
/** A letter of a right-to-left script (a letter: U+061C is "Arabic" too, but it is one of the marks). */
const RIGHT_TO_LEFT = /(?=\p{L})[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Samaritan}\p{Script=Mandaic}\p{Script=Adlam}]/u;

/** The text cut into plain pieces and the code points of the controls found between them. */
export type Piece = { text: string } | { control: string };

const codePoint = (char: string) => `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

export function neutralisePieces(text: string): Piece[] {
  const keepMarks = RIGHT_TO_LEFT.test(text);
  const pieces: Piece[] = [];
  let plain = '';
  for (const char of text) {
    if (CONTROLS.test(char) || (!keepMarks && MARKS.test(char))) {
      if (plain) pieces.push({ text: plain });
      plain = '';
      pieces.push({ control: codePoint(char) });
    } else {
      plain += char;
    }
  }
  if (plain) pieces.push({ text: plain });
  return pieces;
}

/** The same, as one string, for places that cannot hold markup (an option's label, a title). */
export function neutralise(text: string): string {
  return neutralisePieces(text)
    .map((piece) => ('text' in piece ? piece.text : `⟨${piece.control}⟩`))
    .join('');
}

function pieces(text: string) {
  // The marker's own direction is fixed, so it reads the same inside Arabic or Hebrew text and
  // does not decide the direction of the block it sits in.
  return neutralisePieces(text).map((piece) =>
    'text' in piece ? (
      piece.text
    ) : (
      <span class="bidi-mark" dir="ltr" data-control={piece.control}>
        ⟨{piece.control}⟩
      </span>
    ),
  );
}

/** A short value (a city, a name, a contact) within a line: isolated with `<bdi>`. */
export function PublicText({ text }: { text: string }) {
  return <bdi dir="auto">{pieces(text)}</bdi>;
}

/** A longer text (a story, a message, a note): a block of its own, keeping its line breaks. */
export function PublicBlock({ text }: { text: string }) {
  return (
    <div class="public-text" dir="auto">
      {pieces(text)}
    </div>
  );
}
