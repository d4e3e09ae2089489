///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DESCRIPTION Chapter 5, "XML Files": the JDK's DOM parser, safe by default (no DOCTYPE, no external entities): parse, iterate, then create and write a document.
//SOURCES ../lib/src/main/java/elkit/Cli.java
//SOURCES ../lib/src/main/java/elkit/EnvContract.java
//SOURCES ../lib/src/main/java/elkit/Options.java
//SOURCES ../lib/src/main/java/elkit/DataFiles.java
//SOURCES ../lib/src/main/java/elkit/Env.java
//SOURCES ../lib/src/main/java/elkit/Scratch.java

import elkit.Options;

import elkit.Cli;
import elkit.DataFiles;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

/** Usage: files-xml [input.xml] [output.xml] [--verbose]   (defaults: the sample customers.xml, work/output.xml) */
class files_xml {

    static final Options OPTIONS = Options.usage("files-xml [input.xml] [output.xml]")
            .argument("input.xml", "the file to read (default: the sample customers.xml)")
            .argument("output.xml", "the file to write (default: work/output.xml)")
            .env("ELKIT_WORK");

    public static void main(String[] args) {
        Cli.run(args, OPTIONS.around(files_xml::lesson));
    }

    static void lesson(List<String> args) throws Exception {
        Path input = DataFiles.input(args, 0, "customers.xml");
        Path output = DataFiles.output(args, 1, "output.xml");

        // A safe parser: refuse any DOCTYPE. That shuts out external entities (XXE: an entity that reads
        // file:///etc/passwd into the document) and entity-expansion bombs. Data files have no use for one.
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        factory.setXIncludeAware(false);
        factory.setExpandEntityReferences(false);
        DocumentBuilder builder = factory.newDocumentBuilder();
        builder.setErrorHandler(new DefaultHandler()); // errors become exceptions, not "[Fatal Error]" on stderr

        // Parse XML
        Cli.step("Parse XML: " + input);
        Document tree;
        try {
            tree = builder.parse(input.toFile());
        } catch (SAXParseException e) {
            String reason = e.getMessage().startsWith("DOCTYPE is disallowed")
                    ? "refused: the file declares a DOCTYPE, which can read local files (external entities) or"
                      + " expand entities without bound; data files have no use for one"
                    : e.getMessage();
            throw Cli.fail("%s line %d, column %d: %s", input, e.getLineNumber(), e.getColumnNumber(), reason);
        }
        Element root = tree.getDocumentElement();
        System.out.println("Root element: <" + root.getTagName() + ">");

        // Iterate elements: XPath plays the part of findall / find
        Cli.step("Iterate elements");
        XPath xpath = XPathFactory.newInstance().newXPath();
        NodeList customers = (NodeList) xpath.evaluate("customer", root, XPathConstants.NODESET);
        for (int i = 0; i < customers.getLength(); i++) {
            Element customer = (Element) customers.item(i);
            String customerId = customer.getAttribute("id");
            String name = xpath.evaluate("name", customer); // text of the first <name> child, "" if none
            String email = xpath.evaluate("email", customer);
            System.out.println(customerId + ": " + name + " - " + email);
        }
        System.out.println("Found " + customers.getLength() + " <customer> elements");

        // Create XML
        Cli.step("Create XML");
        Document doc = builder.newDocument();
        doc.setXmlStandalone(true); // no standalone="no" in the declaration
        Element newRoot = doc.createElement("customers");
        doc.appendChild(newRoot);
        Element newCustomer = doc.createElement("customer");
        newCustomer.setAttribute("id", "101");
        newRoot.appendChild(newCustomer);
        Element newName = doc.createElement("name");
        newName.setTextContent("Alice");
        newCustomer.appendChild(newName);
        Element newEmail = doc.createElement("email");
        newEmail.setTextContent("alice@example.com");
        newCustomer.appendChild(newEmail);

        // Write it with an XML declaration, UTF-8, indented (temp file, moved into place when complete)
        TransformerFactory transformers = TransformerFactory.newInstance();
        transformers.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        transformers.setAttribute(XMLConstants.ACCESS_EXTERNAL_STYLESHEET, "");
        Transformer transformer = transformers.newTransformer();
        transformer.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
        transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "no");
        transformer.setOutputProperty(OutputKeys.INDENT, "yes");
        transformer.setOutputProperty("{http://xml.apache.org/xslt}indent-amount", "2");
        transformer.setOutputProperty("http://www.oracle.com/xml/is-standalone", "yes"); // JDK: newline after the declaration
        DataFiles.writeAtomically(output, temp -> transformer.transform(new DOMSource(doc), new StreamResult(temp.toFile())));
        System.out.println("Wrote " + output + ":");
        System.out.print(Files.readString(output));
    }
}
