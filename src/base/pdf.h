/*
 * Documents as PDF: A4 pages of Chinese text laid out with pango and drawn by
 * cairo, for the notices, reports and certificates minzheng issues.  A
 * document is a list of blocks (title, centred line, paragraph, right-aligned
 * line, key-value row, table) added in order; mz_pdf_render lays them out
 * top to bottom, starting a new page where a block no longer fits (paragraphs
 * break between lines, tables between rows with the header repeated), and
 * writes "第 n 页 共 m 页" at the foot of every page.  Fonts: Noto Serif CJK
 * SC for the text (16 pt, 三号; the title 22 pt, 二号), Noto Sans CJK SC
 * for tables (12 pt) and the page foot (Debian fonts-noto-cjk).
 *
 * Deterministic: the PDF's creation and modification dates are the
 * document's own date (mz_pdf_new), never the clock, so the same document
 * gives the same bytes with the same cairo, pango and fonts.
 *
 * All texts are UTF-8 and copied; a document is built by one thread.
 */
#ifndef MZ_BASE_PDF_H
#define MZ_BASE_PDF_H

#include <stddef.h>

#include "base/mem.h"

typedef struct mz_pdf mz_pdf;

/* A document titled title (the PDF's metadata), dated day (a day number, date.h). */
mz_pdf *mz_pdf_new(const char *title, int day);
void mz_pdf_free(mz_pdf *pdf); /* NULL is fine */

/* The heading: large, bold, centred. */
void mz_pdf_title(mz_pdf *pdf, const char *text);
/* A centred line in small type (a document number, a subtitle). */
void mz_pdf_centered(mz_pdf *pdf, const char *text);
/* A paragraph wrapped to the page width; indent 1 indents its first line by two characters. */
void mz_pdf_paragraph(mz_pdf *pdf, const char *text, int indent);
/* A right-aligned line (the issuing authority, the date). */
void mz_pdf_right(mz_pdf *pdf, const char *text);
/* A row "key：value", the value wrapped beside the key. */
void mz_pdf_kv(mz_pdf *pdf, const char *key, const char *value);
/* Vertical space in points. */
void mz_pdf_space(mz_pdf *pdf, double points);
/*
 * A ruled table of ncols columns (1-16): header[ncols], widths[ncols] as
 * shares of the text width (their sum is scaled to it), cells[nrows * ncols]
 * row by row (NULL cells print empty).  Cells wrap; a row never splits; the
 * header is repeated at the top of every page the table continues on.
 */
void mz_pdf_table(mz_pdf *pdf, size_t ncols, const char *const *header, const double *widths,
                  const char *const *cells, size_t nrows);

/*
 * Lays the document out and appends the PDF to out.  *pages (may be NULL)
 * gets the page count.  0, or -1 when cairo fails (the message, if msg is not
 * NULL, into msg); out is unchanged then.
 */
int mz_pdf_render(mz_pdf *pdf, mz_buf *out, int *pages, char *msg, size_t msglen);

#endif
