package org.ckan.catalogue.solr;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

/**
 * Serves a real standalone Solr 9 over HTTP from a solr home, for CKAN.
 *
 * Usage: CatalogueSolr SOLR_HOME [PORT] [HOST]
 * The process runs until it is killed; a shutdown hook stops Jetty cleanly so
 * the index is committed and the write lock released.
 */
public final class CatalogueSolr {
  private CatalogueSolr() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: CatalogueSolr SOLR_HOME [PORT] [HOST]");
      System.exit(2);
    }
    Path home = Path.of(args[0]).toAbsolutePath();
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 8983;
    String host = args.length > 2 ? args[2] : "127.0.0.1";
    if (!Files.isRegularFile(home.resolve("solr.xml"))) {
      System.err.println("solr home " + home + " has no solr.xml; run `make solr-home`");
      System.exit(2);
    }
    System.setProperty("host", host);
    System.setProperty("jetty.host", host);
    System.setProperty("solr.solr.home", home.toString());
    JettyConfig config = JettyConfig.builder().setContext("/solr").setPort(port).stopAtShutdown(true).build();
    JettySolrRunner runner = new JettySolrRunner(home.toString(), config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        runner.stop();
      } catch (Exception e) {
        System.err.println("error while stopping Solr: " + e);
      } finally {
        stopped.countDown();
      }
    }));
    runner.start();
    System.out.println("catalogue-solr: serving " + home + " at http://" + host + ":" + runner.getLocalPort() + "/solr");
    stopped.await();
  }
}
