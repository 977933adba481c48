/*
 * PDF documents (see pdf.h).  The blocks are kept as a list and laid out
 * twice: once into a PDF surface whose bytes are thrown away, to count the
 * pages (the foot says "共 m 页"), then for real.  Both passes use the same
 * kind of surface and the same font options, so the layout is the same.
 */
#include "base/pdf.h"

#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <string.h>

#include "base/date.h"

#define PAGE_W 595.2756 /* A4 in points */
#define PAGE_H 841.8898
#define MARGIN_X 70.0
#define MARGIN_TOP 72.0
#define MARGIN_BOTTOM 80.0 /* the page foot lives below the text */
#define TEXT_W (PAGE_W - 2 * MARGIN_X)
#define KEY_W 128.0
#define CELL_PAD 4.0

#define SERIF "Noto Serif CJK SC"
#define SANS "Noto Sans CJK SC"

enum { B_TITLE, B_CENTERED, B_PARAGRAPH, B_RIGHT, B_KV, B_SPACE, B_TABLE };

typedef struct block {
    int kind;
    char *text; /* title, centred, paragraph, right; the key of a kv */
    char *value;
    int indent;
    double space;
    size_t ncols, nrows;
    char **header;
    double *widths;
    char **cells;
} block;

struct mz_pdf {
    char *title;
    int day;
    block *blocks;
    size_t n, cap;
};

mz_pdf *mz_pdf_new(const char *title, int day)
{
    mz_pdf *p = mz_calloc(1, sizeof *p);
    p->title = mz_strdup(title ? title : "");
    p->day = day;
    return p;
}

static void block_cleanup(block *b)
{
    mz_free(b->text);
    mz_free(b->value);
    for (size_t i = 0; b->header && i < b->ncols; i++)
        mz_free(b->header[i]);
    for (size_t i = 0; b->cells && i < b->ncols * b->nrows; i++)
        mz_free(b->cells[i]);
    mz_free(b->header);
    mz_free(b->widths);
    mz_free(b->cells);
}

void mz_pdf_free(mz_pdf *pdf)
{
    if (pdf == NULL)
        return;
    for (size_t i = 0; i < pdf->n; i++)
        block_cleanup(&pdf->blocks[i]);
    mz_free(pdf->blocks);
    mz_free(pdf->title);
    mz_free(pdf);
}

static block *add(mz_pdf *pdf, int kind)
{
    if (pdf->n == pdf->cap) {
        pdf->cap = pdf->cap ? pdf->cap * 2 : 16;
        pdf->blocks = mz_realloc(pdf->blocks, pdf->cap * sizeof *pdf->blocks);
    }
    block *b = &pdf->blocks[pdf->n++];
    memset(b, 0, sizeof *b);
    b->kind = kind;
    return b;
}

static char *copy(const char *s)
{
    return mz_strdup(s ? s : "");
}

void mz_pdf_title(mz_pdf *pdf, const char *text)
{
    add(pdf, B_TITLE)->text = copy(text);
}

void mz_pdf_centered(mz_pdf *pdf, const char *text)
{
    add(pdf, B_CENTERED)->text = copy(text);
}

void mz_pdf_paragraph(mz_pdf *pdf, const char *text, int indent)
{
    block *b = add(pdf, B_PARAGRAPH);
    b->text = copy(text);
    b->indent = indent;
}

void mz_pdf_right(mz_pdf *pdf, const char *text)
{
    add(pdf, B_RIGHT)->text = copy(text);
}

void mz_pdf_kv(mz_pdf *pdf, const char *key, const char *value)
{
    block *b = add(pdf, B_KV);
    b->text = copy(key);
    b->value = copy(value);
}

void mz_pdf_space(mz_pdf *pdf, double points)
{
    add(pdf, B_SPACE)->space = points;
}

void mz_pdf_table(mz_pdf *pdf, size_t ncols, const char *const *header, const double *widths,
                  const char *const *cells, size_t nrows)
{
    double sum = 0;
    if (ncols < 1 || ncols > 16)
        return;
    block *b = add(pdf, B_TABLE);
    b->ncols = ncols;
    b->nrows = nrows;
    b->header = mz_calloc(ncols, sizeof *b->header);
    b->widths = mz_calloc(ncols, sizeof *b->widths);
    b->cells = mz_calloc(nrows ? nrows * ncols : 1, sizeof *b->cells);
    for (size_t i = 0; i < ncols; i++)
        sum += widths[i] > 0 ? widths[i] : 0;
    for (size_t i = 0; i < ncols; i++) {
        b->header[i] = copy(header[i]);
        b->widths[i] = sum > 0 ? (widths[i] > 0 ? widths[i] : 0) / sum * TEXT_W : TEXT_W / ncols;
    }
    for (size_t i = 0; i < nrows * ncols; i++)
        b->cells[i] = copy(cells[i]);
}

/* ---- layout ------------------------------------------------------------- */

typedef struct pass {
    cairo_t *cr;
    PangoContext *pc; /* of the document's own font map */
    cairo_surface_t *surface;
    int page;  /* 1-based, the page being drawn */
    int pages; /* total, known in the second pass; 0 in the first */
    double y;  /* top of the free space on the page */
    int fresh; /* nothing drawn on this page yet */
} pass;

static void foot(pass *p)
{
    char text[64];
    if (p->pages > 0)
        snprintf(text, sizeof text, "第 %d 页 共 %d 页", p->page, p->pages);
    else
        snprintf(text, sizeof text, "第 %d 页", p->page);
    PangoLayout *l = pango_layout_new(p->pc);
    PangoFontDescription *fd = pango_font_description_from_string(SANS " 10.5");
    pango_layout_set_font_description(l, fd);
    pango_layout_set_text(l, text, -1);
    pango_layout_set_width(l, (int)(TEXT_W * PANGO_SCALE));
    pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
    cairo_move_to(p->cr, MARGIN_X, PAGE_H - MARGIN_BOTTOM + 36);
    pango_cairo_show_layout(p->cr, l);
    pango_font_description_free(fd);
    g_object_unref(l);
}

static void new_page(pass *p)
{
    foot(p);
    cairo_show_page(p->cr);
    p->page++;
    p->y = MARGIN_TOP;
    p->fresh = 1;
}

static PangoLayout *layout(pass *p, const char *font, const char *text, double width,
                           PangoAlignment align, int indent)
{
    PangoLayout *l = pango_layout_new(p->pc);
    PangoFontDescription *fd = pango_font_description_from_string(font);
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    pango_layout_set_width(l, (int)(width * PANGO_SCALE));
    pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(l, align);
    pango_layout_set_spacing(l, 4 * PANGO_SCALE);
    if (indent) {
        PangoRectangle ink, logical;
        pango_layout_set_text(l, "中中", -1);
        pango_layout_get_extents(l, &ink, &logical);
        pango_layout_set_indent(l, logical.width);
    }
    pango_layout_set_text(l, text, -1);
    return l;
}

static double height_of(PangoLayout *l)
{
    int w, h;
    pango_layout_get_size(l, &w, &h);
    return (double)h / PANGO_SCALE;
}

/* Draws a layout at x line by line, breaking the page between lines. */
static void flow(pass *p, PangoLayout *l, double x)
{
    PangoLayoutIter *it = pango_layout_get_iter(l);
    double top = -1, shift = 0; /* layout y of the first line on this page; page offset */
    do {
        PangoRectangle logical;
        pango_layout_iter_get_line_extents(it, NULL, &logical);
        double ly = (double)logical.y / PANGO_SCALE, lh = (double)logical.height / PANGO_SCALE;
        double base = (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE;
        if (top < 0) {
            top = ly;
            shift = p->y - ly;
        }
        if (shift + ly + lh > PAGE_H - MARGIN_BOTTOM && !p->fresh) {
            new_page(p);
            shift = p->y - ly;
        }
        cairo_move_to(p->cr, x + (double)logical.x / PANGO_SCALE, shift + base);
        pango_cairo_show_layout_line(p->cr, pango_layout_iter_get_line_readonly(it));
        p->fresh = 0;
        p->y = shift + ly + lh;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
}

static void text_block(pass *p, const char *font, const char *text, PangoAlignment align,
                       int indent, double before, double after)
{
    PangoLayout *l = layout(p, font, text, TEXT_W, align, indent);
    if (!p->fresh)
        p->y += before;
    flow(p, l, MARGIN_X);
    p->y += after;
    g_object_unref(l);
}

static void kv_block(pass *p, const block *b)
{
    char key[256];
    snprintf(key, sizeof key, "%s：", b->text);
    PangoLayout *k = layout(p, SERIF " Bold 15", key, KEY_W, PANGO_ALIGN_LEFT, 0);
    PangoLayout *v = layout(p, SERIF " 15", b->value, TEXT_W - KEY_W, PANGO_ALIGN_LEFT, 0);
    double h = height_of(k) > height_of(v) ? height_of(k) : height_of(v);
    if (p->y + h > PAGE_H - MARGIN_BOTTOM && !p->fresh && h <= PAGE_H - MARGIN_TOP - MARGIN_BOTTOM)
        new_page(p);
    cairo_move_to(p->cr, MARGIN_X, p->y);
    pango_cairo_show_layout(p->cr, k);
    cairo_move_to(p->cr, MARGIN_X + KEY_W, p->y);
    pango_cairo_show_layout(p->cr, v);
    p->y += h + 4;
    p->fresh = 0;
    g_object_unref(k);
    g_object_unref(v);
}

/* One table row (texts[ncols]); bold for the header.  Returns the height drawn. */
static double row_height(pass *p, const block *b, char *const *texts, int bold)
{
    double h = 0;
    for (size_t i = 0; i < b->ncols; i++) {
        PangoLayout *l = layout(p, bold ? SANS " Bold 12" : SANS " 12", texts[i],
                                b->widths[i] - 2 * CELL_PAD, PANGO_ALIGN_LEFT, 0);
        double hi = height_of(l);
        g_object_unref(l);
        if (hi > h)
            h = hi;
    }
    return h + 2 * CELL_PAD;
}

static void draw_row(pass *p, const block *b, char *const *texts, int bold, double h)
{
    double x = MARGIN_X;
    if (bold) {
        cairo_set_source_rgb(p->cr, 0.92, 0.92, 0.92);
        cairo_rectangle(p->cr, MARGIN_X, p->y, TEXT_W, h);
        cairo_fill(p->cr);
        cairo_set_source_rgb(p->cr, 0, 0, 0);
    }
    for (size_t i = 0; i < b->ncols; i++) {
        PangoLayout *l = layout(p, bold ? SANS " Bold 12" : SANS " 12", texts[i],
                                b->widths[i] - 2 * CELL_PAD, PANGO_ALIGN_LEFT, 0);
        cairo_move_to(p->cr, x + CELL_PAD, p->y + CELL_PAD);
        pango_cairo_show_layout(p->cr, l);
        g_object_unref(l);
        x += b->widths[i];
    }
    cairo_new_path(p->cr);
    x = MARGIN_X;
    for (size_t i = 0; i < b->ncols; i++) {
        cairo_rectangle(p->cr, x, p->y, b->widths[i], h);
        x += b->widths[i];
    }
    cairo_set_line_width(p->cr, 0.6);
    cairo_stroke(p->cr);
    p->y += h;
    p->fresh = 0;
}

static void table_block(pass *p, const block *b)
{
    double hh = row_height(p, b, b->header, 1);
    if (!p->fresh)
        p->y += 6;
    for (size_t r = 0; r <= b->nrows; r++) {
        /* r == 0 is the header before the first row (or alone for an empty table). */
        char *const *texts = r == 0 ? NULL : b->cells + (r - 1) * b->ncols;
        double h = texts ? row_height(p, b, texts, 0) : 0;
        if (p->y + hh + h > PAGE_H - MARGIN_BOTTOM && !p->fresh)
            new_page(p);
        if (r == 0 || p->fresh)
            draw_row(p, b, b->header, 1, hh);
        if (texts)
            draw_row(p, b, texts, 0, h);
    }
    p->y += 6;
}

static void lay_out(const mz_pdf *pdf, pass *p)
{
    p->page = 1;
    p->y = MARGIN_TOP;
    p->fresh = 1;
    cairo_set_source_rgb(p->cr, 0, 0, 0);
    for (size_t i = 0; i < pdf->n; i++) {
        const block *b = &pdf->blocks[i];
        switch (b->kind) {
        case B_TITLE:
            text_block(p, SERIF " Bold 22", b->text, PANGO_ALIGN_CENTER, 0, 12, 10);
            break;
        case B_CENTERED:
            text_block(p, SERIF " 14", b->text, PANGO_ALIGN_CENTER, 0, 0, 14);
            break;
        case B_PARAGRAPH:
            text_block(p, SERIF " 16", b->text, PANGO_ALIGN_LEFT, b->indent, 6, 0);
            break;
        case B_RIGHT:
            text_block(p, SERIF " 16", b->text, PANGO_ALIGN_RIGHT, 0, 4, 0);
            break;
        case B_KV:
            kv_block(p, b);
            break;
        case B_SPACE:
            if (!p->fresh)
                p->y += b->space;
            break;
        case B_TABLE:
            table_block(p, b);
            break;
        }
    }
    foot(p);
    cairo_show_page(p->cr);
}

static cairo_status_t discard(void *closure, const unsigned char *data, unsigned int len)
{
    (void)closure;
    (void)data;
    (void)len;
    return CAIRO_STATUS_SUCCESS;
}

static cairo_status_t append(void *closure, const unsigned char *data, unsigned int len)
{
    mz_buf_append(closure, data, len);
    return CAIRO_STATUS_SUCCESS;
}

/* One pass into write; *pages gets the page count.  0 or a cairo status. */
static cairo_status_t run(const mz_pdf *pdf, cairo_write_func_t write, void *closure, int total,
                          int *pages)
{
    char date[11], stamp[32];
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(write, closure, PAGE_W, PAGE_H);
    mz_date_format(pdf->day, date);
    snprintf(stamp, sizeof stamp, "%sT00:00:00+08:00", date);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, pdf->title);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "minzheng");
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, stamp);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, stamp);
    cairo_t *cr = cairo_create(s);
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_set_font_options(cr, fo);
    /*
     * A font map of the document's own rather than pango's per-thread default: its font
     * caches go with it, so a long-running server thread does not keep them, and every
     * document starts from the same state.
     */
    PangoFontMap *fm = pango_cairo_font_map_new();
    pango_cairo_font_map_set_resolution(PANGO_CAIRO_FONT_MAP(fm), 72); /* sizes are PDF points */
    PangoContext *pc = pango_font_map_create_context(fm);
    pango_cairo_context_set_font_options(pc, fo);
    pango_cairo_update_context(cr, pc);
    cairo_font_options_destroy(fo);
    pass p = {.cr = cr, .pc = pc, .surface = s, .pages = total};
    lay_out(pdf, &p);
    *pages = p.page;
    cairo_status_t st = cairo_status(cr);
    g_object_unref(pc);
    g_object_unref(fm);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(s);
    cairo_surface_destroy(s);
    return st;
}

int mz_pdf_render(mz_pdf *pdf, mz_buf *out, int *pages, char *msg, size_t msglen)
{
    int counted = 0, drawn = 0;
    mz_buf tmp;
    mz_buf_init(&tmp);
    cairo_status_t st = run(pdf, discard, NULL, 0, &counted);
    if (st == CAIRO_STATUS_SUCCESS)
        st = run(pdf, append, &tmp, counted, &drawn);
    if (st != CAIRO_STATUS_SUCCESS) {
        if (msg)
            snprintf(msg, msglen, "PDF: %s", cairo_status_to_string(st));
        mz_buf_cleanup(&tmp);
        return -1;
    }
    mz_buf_append(out, tmp.data, tmp.len);
    mz_buf_cleanup(&tmp);
    if (pages)
        *pages = drawn;
    return 0;
}
