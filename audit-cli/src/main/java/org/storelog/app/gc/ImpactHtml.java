package org.storelog.app.gc;

import java.util.List;

/**
 * Renders an {@link Impact.Report} as one self-contained HTML page: inline CSS, an inline SVG bar
 * chart of exclusive sizes per root, and tables. Nothing is loaded from the network.
 */
public final class ImpactHtml {
    private ImpactHtml() {}

    public static String render(Impact.Report r) {
        StringBuilder h = new StringBuilder(8192);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>GC impact</title>\n<style>")
         .append("body{font-family:sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:12px 0}")
         .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td.p{text-align:left;font-family:monospace}")
         .append(".bar{fill:#3b7dd8}.lbl{font-size:11px;font-family:monospace}</style></head><body>\n")
         .append("<h1>GC impact</h1>\n<table><tr><th></th><th>paths</th><th>bytes</th></tr>")
         .append(row("total", r.totalCount(), r.totalBytes())).append(row("live", r.liveCount(), r.liveBytes()))
         .append(row("dead", r.deadCount(), r.deadBytes())).append("</table>\n");
        List<Impact.RootImpact> roots = r.roots();
        long max = Math.max(1, roots.stream().mapToLong(Impact.RootImpact::exclusiveBytes).max().orElse(1));
        int barH = 14, gap = 4, labelW = 260, chartW = 900;
        int height = Math.max(1, roots.size()) * (barH + gap) + 10;
        h.append("<h2>Exclusive size per root</h2>\n<svg id=\"exclusive-chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"")
         .append(labelW + chartW + 120).append("\" height=\"").append(height).append("\">\n");
        for (int i = 0; i < roots.size(); i++) {
            Impact.RootImpact ri = roots.get(i);
            int y = i * (barH + gap) + 5;
            long w = Math.max(1, Math.round((double) ri.exclusiveBytes() / max * chartW));
            h.append("<text class=\"lbl\" x=\"0\" y=\"").append(y + barH - 3).append("\">").append(esc(ri.name())).append("</text>")
             .append("<rect class=\"bar\" data-root=\"").append(esc(ri.name())).append("\" x=\"").append(labelW).append("\" y=\"")
             .append(y).append("\" width=\"").append(w).append("\" height=\"").append(barH).append("\"/>")
             .append("<text class=\"lbl\" x=\"").append(labelW + w + 4).append("\" y=\"").append(y + barH - 3).append("\">")
             .append(ri.exclusiveBytes()).append("</text>\n");
        }
        h.append("</svg>\n<h2>Roots</h2>\n<table><tr><th>root</th><th>closure paths</th><th>closure bytes</th>")
         .append("<th>exclusive paths</th><th>exclusive bytes</th><th>path</th></tr>\n");
        for (Impact.RootImpact ri : roots)
            h.append("<tr><td class=\"p\">").append(esc(ri.name())).append("</td><td>").append(ri.closureCount()).append("</td><td>")
             .append(ri.closureBytes()).append("</td><td>").append(ri.exclusiveCount()).append("</td><td>").append(ri.exclusiveBytes())
             .append("</td><td class=\"p\">").append(esc(ri.path())).append("</td></tr>\n");
        h.append("</table>\n");
        if (r.whatIf() != null)
            h.append("<h2>What if ").append(esc(String.join(", ", r.whatIf().removedRoots()))).append(" were removed</h2><p>")
             .append(r.whatIf().wouldDie().size()).append(" paths, ").append(r.whatIf().wouldFreeBytes()).append(" bytes would die.</p>\n");
        h.append("<h2>Largest dead paths</h2>\n<table><tr><th>bytes</th><th>path</th></tr>\n");
        for (Impact.DeadPath d : r.largestDead())
            h.append("<tr><td>").append(d.narSize()).append("</td><td class=\"p\">").append(esc(d.path())).append("</td></tr>\n");
        return h.append("</table>\n</body></html>\n").toString();
    }

    private static String row(String label, int count, long bytes) {
        return "<tr><td class=\"p\">" + label + "</td><td>" + count + "</td><td>" + bytes + "</td></tr>";
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
