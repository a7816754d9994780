package dev.portcullis.web;

import io.quarkus.qute.RawString;
import jakarta.enterprise.context.ApplicationScoped;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Heading;
import org.commonmark.node.Link;
import org.commonmark.node.Node;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

/**
 * Repository and namespace descriptions, written in markdown by their owners, rendered for everyone: raw HTML in
 * the text is escaped (never passed through), {@code javascript:} and other unsafe link targets are dropped, and
 * links carry {@code rel="nofollow noopener noreferrer"}. Images from elsewhere are blocked by the CSP anyway.
 */
@ApplicationScoped
public class Markdown {

    static final int MAX_INPUT = 65_000;

    private final Parser parser = Parser.builder().build();
    private final HtmlRenderer renderer = HtmlRenderer.builder()
            .escapeHtml(true)
            .sanitizeUrls(true)
            .attributeProviderFactory(context -> (node, tagName, attributes) -> {
                if (node instanceof Link) {
                    attributes.put("rel", "nofollow noopener noreferrer");
                }
            })
            .build();

    public RawString render(String markdown) {
        if (markdown == null || markdown.isBlank()) {
            return new RawString("");
        }
        String text = markdown.length() > MAX_INPUT ? markdown.substring(0, MAX_INPUT) : markdown;
        Node document = parser.parse(text);
        // The page has its own h1 and h2: the description's headings start below them.
        document.accept(new AbstractVisitor() {
            @Override
            public void visit(Heading heading) {
                heading.setLevel(Math.min(6, heading.getLevel() + 2));
                visitChildren(heading);
            }
        });
        return new RawString(renderer.render(document));
    }
}
